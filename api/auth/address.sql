-- name: get_address(user_id)^
SELECT address, updated_at FROM user_addresses WHERE user_id = :user_id;

-- name: put_address(user_id, address)^
INSERT INTO user_addresses (user_id, address) VALUES (:user_id, :address)
ON CONFLICT (user_id) DO UPDATE SET address = EXCLUDED.address, updated_at = now()
RETURNING address, updated_at;
