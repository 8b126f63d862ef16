-- name: verified_of(user_id)^
SELECT id, user_id, status, method, name, id_type, id_masked, id_hash, verified_at, verified_by
FROM identities WHERE user_id = :user_id AND status = 'verified';

-- name: latest_of(user_id)^
SELECT id, user_id, status, method, name, id_type, id_masked, id_hash, verified_at, verified_by
FROM identities WHERE user_id = :user_id
ORDER BY (status = 'verified') DESC, created_at DESC, id DESC LIMIT 1;

-- name: insert_verified(user_id, method, name, id_type, id_cipher, id_key_id, id_hash, id_masked, evidence, verified_by, verified_at)^
INSERT INTO identities (user_id, status, method, name, id_type, id_cipher, id_key_id, id_hash, id_masked,
                        evidence, verified_by, verified_at, created_at, updated_at)
VALUES (:user_id, 'verified', :method, :name, :id_type, :id_cipher, :id_key_id, :id_hash, :id_masked,
        :evidence, :verified_by, :verified_at, :verified_at, :verified_at)
RETURNING id, user_id, status, method, name, id_type, id_masked, id_hash, verified_at, verified_by;

-- The account's name is the verified person's: every display of an applicant or licence holder
-- (tasks, deliveries, the licence check) reads users.name.
-- name: set_account_name(user_id, name)!
UPDATE users SET name = :name WHERE id = :user_id;

-- The verified person each case's applicant is (staff task lists and details).
-- name: verified_of_cases(application_ids)
SELECT a.id AS application_id, i.name, i.id_type, i.id_masked, i.method, i.verified_at
  FROM applications a JOIN identities i ON i.user_id = a.applicant_id AND i.status = 'verified'
 WHERE a.id = ANY(:application_ids::bigint[]);

-- name: last_identity_id()$
SELECT coalesce(max(id), 0) FROM identities;

-- name: holder_of(id_hash)$
SELECT user_id FROM identities WHERE id_hash = :id_hash AND status = 'verified';

-- name: cipher_of(id)^
SELECT id_cipher, id_key_id FROM identities WHERE id = :id;

-- name: under_other_keys(current)
SELECT id, id_cipher, id_key_id FROM identities WHERE id_key_id <> :current ORDER BY id FOR UPDATE;

-- name: set_cipher(id, id_cipher, id_key_id)!
UPDATE identities SET id_cipher = :id_cipher, id_key_id = :id_key_id WHERE id = :id;

-- name: attempts_under_other_keys(current)
SELECT id, cert_cipher, cert_key_id FROM identity_face_attempts
 WHERE cert_cipher IS NOT NULL AND cert_key_id <> :current ORDER BY id FOR UPDATE;

-- name: set_attempt_cipher(id, cert_cipher, cert_key_id)!
UPDATE identity_face_attempts SET cert_cipher = :cert_cipher, cert_key_id = :cert_key_id WHERE id = :id;
