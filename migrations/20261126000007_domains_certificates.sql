-- SSL certificates (per gateway or for every gateway of a project) and the domains bound to
-- API groups. A domain routes to exactly one group in the whole installation, because every
-- gateway shares the listeners that route by Host.
CREATE TABLE certificates (
    id                   text PRIMARY KEY,
    project_id           text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    gateway_id           text REFERENCES gateways (id) ON DELETE CASCADE,
    cert_type            text NOT NULL CHECK (cert_type IN ('instance', 'global')),
    name                 text NOT NULL,
    algorithm_type       text NOT NULL CHECK (algorithm_type IN ('RSA', 'ECC')),
    cert_pem             text NOT NULL,
    -- The private key, AES-256-GCM under the master key.
    key_sealed           bytea NOT NULL,
    -- What the certificate says (common name, SAN, subject, issuer, serial, ...).
    details              jsonb NOT NULL,
    not_after            timestamptz NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((cert_type = 'instance') = (gateway_id IS NOT NULL))
);
CREATE UNIQUE INDEX certificates_name ON certificates (project_id, lower(name));

CREATE TABLE group_domains (
    id                         text PRIMARY KEY,
    gateway_id                 text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    group_id                   text NOT NULL REFERENCES api_groups (id) ON DELETE CASCADE,
    domain                     text NOT NULL UNIQUE,
    min_ssl_version            text NOT NULL DEFAULT 'TLSv1.1',
    is_http_redirect_to_https  boolean NOT NULL DEFAULT false,
    ingress_http_port          integer,
    ingress_https_port         integer,
    certificate_id             text REFERENCES certificates (id),
    created_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX group_domains_group ON group_domains (group_id);
CREATE INDEX group_domains_certificate ON group_domains (certificate_id);
