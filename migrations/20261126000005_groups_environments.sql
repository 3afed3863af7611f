-- API groups, environments and environment variables, each inside one gateway. Every
-- gateway has a DEFAULT group and the RELEASE environment.
CREATE TABLE api_groups (
    id                        text PRIMARY KEY,
    gateway_id                text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    name                      text NOT NULL,
    remark                    text NOT NULL DEFAULT '',
    is_default                boolean NOT NULL DEFAULT false,
    sl_domain_access_enabled  boolean NOT NULL DEFAULT true,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX api_groups_name ON api_groups (gateway_id, lower(name));
CREATE UNIQUE INDEX api_groups_default ON api_groups (gateway_id) WHERE is_default;

-- Environment ids are unique within their gateway; RELEASE is DEFAULT_ENVIRONMENT_RELEASE_ID
-- everywhere, as in APIG.
CREATE TABLE environments (
    gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    id          text NOT NULL,
    name        text NOT NULL,
    remark      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (gateway_id, id),
    UNIQUE (gateway_id, name)
);

CREATE TABLE env_variables (
    id          text PRIMARY KEY,
    gateway_id  text NOT NULL,
    group_id    text NOT NULL REFERENCES api_groups (id) ON DELETE CASCADE,
    env_id      text NOT NULL,
    name        text NOT NULL,
    value       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (gateway_id, env_id) REFERENCES environments (gateway_id, id) ON DELETE CASCADE,
    UNIQUE (group_id, env_id, name)
);

-- Gateways created before this migration get theirs.
INSERT INTO api_groups (id, gateway_id, name, remark, is_default)
SELECT md5(random()::text || g.id), g.id, 'DEFAULT', 'The default group', true FROM gateways g;
INSERT INTO environments (gateway_id, id, name, remark)
SELECT g.id, 'DEFAULT_ENVIRONMENT_RELEASE_ID', 'RELEASE', 'The default environment' FROM gateways g;
