-- APIs: the draft definition (APIG's field names, as JSON) with the columns routes are
-- checked by; published versions are immutable snapshots of a definition; a publication is
-- the version live in one environment.
CREATE TABLE apis (
    id          text PRIMARY KEY,
    gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    group_id    text NOT NULL REFERENCES api_groups (id) ON DELETE CASCADE,
    name        text NOT NULL,
    req_method  text NOT NULL,
    req_uri     text NOT NULL,
    match_mode  text NOT NULL,
    definition  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX apis_route ON apis (group_id, req_method, req_uri, match_mode);
CREATE UNIQUE INDEX apis_name ON apis (group_id, lower(name));
CREATE INDEX apis_gateway ON apis (gateway_id);

CREATE TABLE api_versions (
    id            text PRIMARY KEY,
    api_id        text NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    gateway_id    text NOT NULL,
    env_id        text NOT NULL,
    definition    jsonb NOT NULL,
    remark        text NOT NULL DEFAULT '',
    published_by  text NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (gateway_id, env_id) REFERENCES environments (gateway_id, id) ON DELETE CASCADE
);
CREATE INDEX api_versions_api ON api_versions (api_id, env_id, published_at);

CREATE TABLE api_publications (
    api_id        text NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    gateway_id    text NOT NULL,
    env_id        text NOT NULL,
    version_id    text NOT NULL REFERENCES api_versions (id),
    publish_id    text NOT NULL UNIQUE,
    published_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, env_id),
    FOREIGN KEY (gateway_id, env_id) REFERENCES environments (gateway_id, id) ON DELETE CASCADE
);
