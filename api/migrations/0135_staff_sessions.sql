-- Staff authority belongs to the session, not to the phone (issue 17, items 1 and 11).
--
-- refresh_tokens.staff: the family was opened by the staff password login. Only such a family
-- refreshes into tokens carrying staff roles; an SMS or WeChat login of the same account stays a
-- citizen session. Families opened before this migration count as citizen sessions: a staff
-- member signs in with the password once more.
ALTER TABLE refresh_tokens ADD COLUMN staff boolean NOT NULL DEFAULT false;

-- users.token_version: staff access tokens carry it and are refused once it moved on. It moves
-- whenever roles, approval steps or the disabled flag change, by whatever path (the API, the CLI,
-- a psql session), so an access token never outlives them.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

CREATE FUNCTION users_bump_token_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.token_version := OLD.token_version + 1;
    RETURN NEW;
END $$;

CREATE TRIGGER users_token_version BEFORE UPDATE ON users FOR EACH ROW
WHEN (OLD.roles IS DISTINCT FROM NEW.roles OR OLD.steps IS DISTINCT FROM NEW.steps
      OR OLD.disabled IS DISTINCT FROM NEW.disabled)
EXECUTE FUNCTION users_bump_token_version();

-- Disabling an account also ends its refresh tokens: re-enabling it later does not revive them.
CREATE FUNCTION users_disabled_revokes_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER users_disabled_revokes AFTER UPDATE OF disabled ON users FOR EACH ROW
WHEN (NEW.disabled AND NOT OLD.disabled)
EXECUTE FUNCTION users_disabled_revokes_tokens();
