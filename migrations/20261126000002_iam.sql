-- IAM: user groups and memberships, custom policies, grants of policies to groups per
-- project (or all projects), permanent access keys, API tokens, and the audit log.

ALTER TABLE users
    ADD COLUMN access_mode text NOT NULL DEFAULT 'default'
        CHECK (access_mode IN ('default', 'programmatic', 'console')),
    ADD COLUMN phone text NOT NULL DEFAULT '',
    ADD COLUMN areacode text NOT NULL DEFAULT '',
    -- true: the password must be changed at the next sign-in
    ADD COLUMN pwd_status boolean NOT NULL DEFAULT false,
    ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE user_groups (
    id           text PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts (id),
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

CREATE TABLE group_members (
    group_id  text NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- Custom policies; system policies are built into the binary (app::domain::policy::system).
CREATE TABLE custom_policies (
    id            text PRIMARY KEY,
    account_id    text NOT NULL REFERENCES accounts (id),
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    -- IAM's scope marker: 'XA' project-level service policy, 'AX' global.
    policy_type   text NOT NULL DEFAULT 'XA' CHECK (policy_type IN ('XA', 'AX')),
    document      jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

-- A policy (system id or custom_policies.id) granted to a group, in one project or, with
-- project_id NULL, in all projects of the account.
CREATE TABLE group_grants (
    id          bigserial PRIMARY KEY,
    group_id    text NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    policy_id   text NOT NULL,
    project_id  text REFERENCES projects (id) ON DELETE CASCADE,
    granted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX group_grants_unique ON group_grants (group_id, policy_id, coalesce(project_id, ''));
CREATE INDEX group_grants_policy ON group_grants (policy_id);

-- Permanent access keys (AK/SK). The secret is encrypted (AES-256-GCM, nonce || ciphertext).
CREATE TABLE access_keys (
    access_key     text PRIMARY KEY,
    user_id        text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed  bytea NOT NULL,
    description    text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz
);
CREATE INDEX access_keys_user ON access_keys (user_id);

-- API tokens (X-Subject-Token); only a SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    token_hash  bytea PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id  text REFERENCES projects (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX api_tokens_expiry ON api_tokens (expires_at);

-- The audit log: append-only.
CREATE TABLE audit_records (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    account_id     text NOT NULL,
    project_id     text,
    user_id        text,
    user_name      text NOT NULL,
    action         text NOT NULL,
    resource_type  text NOT NULL,
    resource_id    text NOT NULL DEFAULT '',
    resource_name  text NOT NULL DEFAULT '',
    source_ip      text NOT NULL DEFAULT '',
    channel        text NOT NULL CHECK (channel IN ('console', 'api')),
    result         text NOT NULL CHECK (result IN ('success', 'refused', 'failed')),
    detail         text NOT NULL DEFAULT ''
);
CREATE INDEX audit_records_at ON audit_records (account_id, at DESC);

CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records cannot be changed or deleted';
END;
$$;
CREATE TRIGGER audit_records_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
