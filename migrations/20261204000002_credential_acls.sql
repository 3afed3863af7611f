-- A credential's own access control: the client addresses its calls may come from (PERMIT)
-- or may not (DENY): addresses, ranges and CIDR blocks, IPv4 and IPv6, checked when stored.
CREATE TABLE credential_acls (
    credential_id  text PRIMARY KEY REFERENCES credentials (id) ON DELETE CASCADE,
    acl_type       text NOT NULL CHECK (acl_type IN ('PERMIT', 'DENY')),
    acl_values     text[] NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
