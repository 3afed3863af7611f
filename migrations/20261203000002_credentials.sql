-- Credentials (APIG's apps): a caller's key and secret in one gateway. The key is unique
-- across Portico, since a signature names it alone; the secret is sealed under the master
-- key, never stored in the clear.
CREATE TABLE credentials (
    id             text PRIMARY KEY,
    gateway_id     text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
    name           text NOT NULL,
    remark         text NOT NULL DEFAULT '',
    app_key        text NOT NULL,
    secret_sealed  bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credentials_app_key_key UNIQUE (app_key)
);
CREATE UNIQUE INDEX credentials_name ON credentials (gateway_id, lower(name));
