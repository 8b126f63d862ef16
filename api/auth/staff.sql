-- Staff accounts as admins manage them (api/auth/service/staff.py).

-- name: list_staff()
SELECT id, phone, name, roles, steps, disabled, must_change_password, created_at FROM users
WHERE roles && ARRAY['approver', 'helpdesk', 'admin', 'lead']::text[]
ORDER BY disabled, name NULLS LAST, id;

-- name: get_staff(id)^
SELECT id, phone, name, roles, steps, disabled, must_change_password, created_at FROM users
WHERE id = :id AND roles && ARRAY['approver', 'helpdesk', 'admin', 'lead']::text[];

-- name: lock_staff(id)^
SELECT id, roles, steps, disabled FROM users
WHERE id = :id AND roles && ARRAY['approver', 'helpdesk', 'admin', 'lead']::text[]
FOR UPDATE;

-- name: phone_holder(phone)^
SELECT id, roles FROM users WHERE phone = :phone;

-- name: set_roles(id, roles, steps)^
-- The token-version trigger (migration 0135) ends the account's staff sessions when these change.
UPDATE users SET roles = :roles, steps = :steps WHERE id = :id RETURNING id, roles, steps;

-- name: set_disabled(id, disabled)^
UPDATE users SET disabled = :disabled WHERE id = :id RETURNING id, roles, steps, disabled;

-- name: record_event(user_id, actor_id, action, roles, steps)!
INSERT INTO staff_account_events (user_id, actor_id, action, roles, steps)
VALUES (:user_id, :actor_id, :action, :roles, :steps);

-- name: events(user_id)
SELECT e.action, e.roles, e.steps, e.created_at, a.name AS actor_name
FROM staff_account_events e JOIN users a ON a.id = e.actor_id
WHERE e.user_id = :user_id ORDER BY e.id DESC LIMIT 50;

-- name: step_choices()
-- The approval steps an approver can be given: every step code the catalogue's services use.
SELECT step, min(name) AS name FROM service_steps GROUP BY step
ORDER BY array_position(ARRAY['accept', 'review', 'decide']::text[], step) NULLS LAST, step;

-- name: reset_password(id, password_hash)!
-- The triggers of migration 0144 end the account's sessions when the flag is raised.
UPDATE users SET password_hash = :password_hash, must_change_password = true, updated_at = now() WHERE id = :id;

-- name: set_own_password(id, password_hash)!
UPDATE users SET password_hash = :password_hash, must_change_password = false, updated_at = now() WHERE id = :id;

-- name: act_as(actor_id)$
-- Who makes the changes of this transaction, for the audit triggers (migration 0145).
SELECT set_config('zsb.actor_id', :actor_id, true);
