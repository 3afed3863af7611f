-- AppCodes of credentials (simple authentication: `X-Apig-AppCode`), sealed under the
-- master key like secrets; their SHA-256 digest is unique across Portico, since a call
-- names the code alone. A credential is frozen (status 2) or valid (1).
ALTER TABLE credentials ADD COLUMN status smallint NOT NULL DEFAULT 1 CHECK (status IN (1, 2));

CREATE TABLE app_codes (
    id             text PRIMARY KEY,
    credential_id  text NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
    code_sealed    bytea NOT NULL,
    code_digest    text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_codes_code_digest_key UNIQUE (code_digest)
);
CREATE INDEX app_codes_credential ON app_codes (credential_id);

-- Which credentials may call which API in which environment (APIG's app-auths). Only
-- APIs with APP authentication are authorized; the pair is unique per environment.
CREATE TABLE app_auths (
    id             text PRIMARY KEY,
    gateway_id     text NOT NULL,
    credential_id  text NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
    api_id         text NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    env_id         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (gateway_id, env_id) REFERENCES environments (gateway_id, id) ON DELETE CASCADE,
    CONSTRAINT app_auths_pair UNIQUE (credential_id, api_id, env_id)
);
CREATE INDEX app_auths_api ON app_auths (api_id, env_id);
