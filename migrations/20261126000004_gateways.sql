-- Gateways (APIG instances): isolated resource spaces in a project. Every later resource
-- (groups, APIs, environments, credentials, policies) belongs to exactly one gateway.
CREATE TABLE gateways (
    id              text PRIMARY KEY,
    project_id      text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    spec_id         text NOT NULL,
    maintain_begin  text NOT NULL DEFAULT '22:00:00',
    maintain_end    text NOT NULL DEFAULT '02:00:00',
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, name)
);

-- Tags: at most 20 per gateway (enforced by the service).
CREATE TABLE gateway_tags (
    gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    key         text NOT NULL,
    value       text NOT NULL DEFAULT '',
    PRIMARY KEY (gateway_id, key)
);

-- Gateway parameters (APIG "features") that were set; the others keep their defaults.
CREATE TABLE gateway_features (
    id          text PRIMARY KEY,
    gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    name        text NOT NULL,
    enabled     boolean NOT NULL,
    config      text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (gateway_id, name)
);

-- Custom inbound ports: one port belongs to one gateway across the installation.
CREATE TABLE gateway_ingress_ports (
    id          text PRIMARY KEY,
    gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    protocol    text NOT NULL CHECK (protocol IN ('HTTP', 'HTTPS')),
    port        integer NOT NULL UNIQUE CHECK (port BETWEEN 1024 AND 49151),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The configuration revision: every change the gateway runtime serves bumps it in the same
-- transaction, and notifies `portico_config`.
CREATE TABLE config_revision (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision   bigint NOT NULL
);
INSERT INTO config_revision (singleton, revision) VALUES (true, 1);
