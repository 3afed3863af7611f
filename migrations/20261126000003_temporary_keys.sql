-- Temporary access keys (`OS-CREDENTIAL/securitytokens`): an AK/SK pair plus a security
-- token, issued for a token's user and project, valid for 15 minutes to 24 hours. The
-- secret is sealed under the master key; only a SHA-256 of the security token is stored.
CREATE TABLE temporary_keys (
    access_key     text PRIMARY KEY,
    user_id        text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id     text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    secret_sealed  bytea NOT NULL,
    token_hash     bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
CREATE INDEX temporary_keys_expiry ON temporary_keys (expires_at);
