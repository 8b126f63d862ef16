-- name: upsert_wechat_user(openid, unionid)^
INSERT INTO users (openid, unionid) VALUES (:openid, :unionid)
ON CONFLICT (openid) DO UPDATE SET unionid = coalesce(EXCLUDED.unionid, users.unionid), updated_at = now()
RETURNING *;

-- name: upsert_phone_user(phone)^
INSERT INTO users (phone) VALUES (:phone)
ON CONFLICT (phone) DO UPDATE SET updated_at = now()
RETURNING *;

-- name: get_user(id)^
SELECT * FROM users WHERE id = :id;

-- name: get_user_by_phone(phone)^
SELECT * FROM users WHERE phone = :phone;

-- name: set_phone(id, phone)^
UPDATE users SET phone = :phone, updated_at = now() WHERE id = :id RETURNING *;

-- name: upsert_staff(phone, name, roles, steps, password_hash)^
INSERT INTO users (phone, name, roles, steps, password_hash)
VALUES (:phone, :name, :roles, :steps, :password_hash)
ON CONFLICT (phone) DO UPDATE
SET name = EXCLUDED.name, roles = EXCLUDED.roles, steps = EXCLUDED.steps,
    password_hash = EXCLUDED.password_hash, updated_at = now()
RETURNING *;

-- name: staff_session_live(id, token_version, family_id)$
SELECT EXISTS (SELECT 1 FROM users WHERE id = :id AND token_version = :token_version AND NOT disabled)
   AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = :family_id AND revoked_at IS NOT NULL);

-- name: set_password_hash(id, password_hash)!
UPDATE users SET password_hash = :password_hash WHERE id = :id;

-- name: insert_refresh_token(id, family_id, user_id, staff, token_hash, expires_at)!
INSERT INTO refresh_tokens (id, family_id, user_id, staff, token_hash, expires_at)
VALUES (:id, :family_id, :user_id, :staff, :token_hash, :expires_at);

-- name: use_refresh_token(token_hash)^
-- Atomic: of two concurrent uses of one token, only one gets the row.
UPDATE refresh_tokens SET used_at = now()
WHERE token_hash = :token_hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
RETURNING family_id, user_id, staff;

-- name: find_refresh_token(token_hash)^
SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = :token_hash;

-- name: revoke_family(family_id)!
UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = :family_id AND revoked_at IS NULL;

-- name: revoke_user_tokens(user_id)!
UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = :user_id AND revoked_at IS NULL;
