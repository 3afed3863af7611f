-- The IAM revision the gateway runtime follows for IAM-authenticated API calls: every change
-- to who can authenticate (a token issued or revoked, an access key created, disabled or
-- deleted, a temporary key issued, a user disabled, renamed, deleted or given a new
-- password) bumps it in the change's own transaction and notifies `portico_iam`, so every
-- process reloads its principals once the change is committed. Triggers, not service code,
-- so no writer can forget it.
CREATE TABLE iam_revision (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision   bigint NOT NULL
);
INSERT INTO iam_revision (singleton, revision) VALUES (true, 1);

CREATE FUNCTION iam_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE iam_revision SET revision = revision + 1;
    -- One notification per transaction: PostgreSQL folds identical ones.
    PERFORM pg_notify('portico_iam', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_iam_changed
    AFTER INSERT OR UPDATE OR DELETE ON api_tokens FOR EACH ROW EXECUTE FUNCTION iam_changed();
CREATE TRIGGER temporary_keys_iam_changed
    AFTER INSERT OR DELETE ON temporary_keys FOR EACH ROW EXECUTE FUNCTION iam_changed();
CREATE TRIGGER access_keys_iam_inserted_deleted
    AFTER INSERT OR DELETE ON access_keys FOR EACH ROW EXECUTE FUNCTION iam_changed();
CREATE TRIGGER access_keys_iam_updated
    AFTER UPDATE ON access_keys FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.secret_sealed IS DISTINCT FROM NEW.secret_sealed)
    EXECUTE FUNCTION iam_changed();
CREATE TRIGGER users_iam_deleted
    AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION iam_changed();
CREATE TRIGGER users_iam_updated
    AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled
       OR OLD.password_changed_at IS DISTINCT FROM NEW.password_changed_at
       OR OLD.access_mode IS DISTINCT FROM NEW.access_mode
       OR OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION iam_changed();
