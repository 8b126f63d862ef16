-- name: claim_key(user_id, scope, key, request_hash)$
INSERT INTO idempotency_keys (user_id, scope, key, request_hash)
VALUES (:user_id, :scope, :key, :request_hash)
ON CONFLICT DO NOTHING
RETURNING true;

-- name: get_key(user_id, scope, key)^
SELECT request_hash, response FROM idempotency_keys
WHERE user_id = :user_id AND scope = :scope AND key = :key;

-- name: save_response(user_id, scope, key, response)!
UPDATE idempotency_keys SET response = :response
WHERE user_id = :user_id AND scope = :scope AND key = :key;

-- name: purge_older_than(days)!
DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(days => :days);
