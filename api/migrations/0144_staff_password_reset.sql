-- An admin resets a staff member's password (issue 26): the account keeps a temporary password the
-- admin hands over, and the member must set a new one before any staff session opens
-- (POST /auth/staff-login answers password_change_required; the console shows its form first).
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- A reset ends the member's sessions at once, by whatever path it is made: the token version moves
-- (access tokens and console sessions are refused) and the refresh tokens are revoked, as for
-- disabling (migration 0062). Setting the new password later moves nothing: no session was open.
DROP TRIGGER users_token_version ON users;
CREATE TRIGGER users_token_version BEFORE UPDATE ON users FOR EACH ROW
WHEN (OLD.roles IS DISTINCT FROM NEW.roles OR OLD.steps IS DISTINCT FROM NEW.steps
      OR OLD.disabled IS DISTINCT FROM NEW.disabled
      OR (NEW.must_change_password AND NOT OLD.must_change_password))
EXECUTE FUNCTION users_bump_token_version();

CREATE TRIGGER users_password_reset_revokes AFTER UPDATE OF must_change_password ON users FOR EACH ROW
WHEN (NEW.must_change_password AND NOT OLD.must_change_password)
EXECUTE FUNCTION users_disabled_revokes_tokens();

ALTER TABLE staff_account_events DROP CONSTRAINT staff_account_events_action_check;
ALTER TABLE staff_account_events ADD CONSTRAINT staff_account_events_action_check
    CHECK (action IN ('created', 'roles_changed', 'disabled', 'enabled', 'password_reset', 'password_changed'));
