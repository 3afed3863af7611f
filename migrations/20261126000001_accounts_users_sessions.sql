-- The installation's account (IAM domain), its projects and users, and console sessions.

CREATE TABLE accounts (
    id          text PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    id           text PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts (id),
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

CREATE TABLE users (
    id             text PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts (id),
    name           text NOT NULL,
    email          text NOT NULL DEFAULT '',
    description    text NOT NULL DEFAULT '',
    enabled        boolean NOT NULL DEFAULT true,
    password_hash  text NOT NULL,
    -- Wrong passwords in a row since the last success; reset on success and on lock.
    failed_logins  integer NOT NULL DEFAULT 0,
    locked_until   timestamptz,
    last_login_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

-- Console sessions, in the shape tower-sessions' PostgresStore reads and writes.
CREATE TABLE console_sessions (
    id           text PRIMARY KEY NOT NULL,
    data         bytea NOT NULL,
    expiry_date  timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expiry_date);
