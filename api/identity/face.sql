-- name: lock_account(user_id)^
SELECT id, openid FROM users WHERE id = :user_id FOR UPDATE;

-- Tries today: every getverifyid WeChat accepted (a session WeChat never opened is no try).
-- name: tries_since(user_id, since)$
SELECT count(*) FROM identity_face_attempts
 WHERE user_id = :user_id AND created_at >= :since AND NOT (outcome = 'error' AND verify_id IS NULL);

-- name: add_attempt(user_id, out_seq_no, cert_name, cert_cipher, cert_key_id, created_at, idem_key, idem_hash)$
INSERT INTO identity_face_attempts (user_id, out_seq_no, cert_name, cert_cipher, cert_key_id, created_at,
                                    idem_key, idem_hash)
VALUES (:user_id, :out_seq_no, :cert_name, :cert_cipher, :cert_key_id, :created_at, :idem_key, :idem_hash)
RETURNING id;

-- The try an Idempotency-Key started, and how many tries of its day came before it (its first answer).
-- name: attempt_by_key(user_id, idem_key, since)^
SELECT a.id, a.verify_id, a.expires_at, a.created_at, a.outcome, a.idem_hash,
       (SELECT count(*) FROM identity_face_attempts b
         WHERE b.user_id = a.user_id AND b.created_at >= :since AND b.id < a.id
           AND NOT (b.outcome = 'error' AND b.verify_id IS NULL)) AS tries_before
  FROM identity_face_attempts a WHERE a.user_id = :user_id AND a.idem_key = :idem_key;

-- A try WeChat never opened gives its key up: the retry acts.
-- name: drop_key(id)!
UPDATE identity_face_attempts SET idem_key = NULL WHERE id = :id;

-- name: opened(id, verify_id, expires_at)!
UPDATE identity_face_attempts SET verify_id = :verify_id, expires_at = :expires_at WHERE id = :id;

-- name: attempt_of(id, user_id)^
SELECT a.id, a.out_seq_no, a.verify_id, a.expires_at, a.cert_name, a.cert_cipher, a.cert_key_id, a.outcome,
       u.openid
  FROM identity_face_attempts a JOIN users u ON u.id = a.user_id
 WHERE a.id = :id AND a.user_id = :user_id
   FOR UPDATE OF a;

-- The certificate is cleared with the outcome: nothing keeps an ID number a finished try needs no more.
-- name: finish(id, outcome, verify_ret, errcode, finished_at)!
UPDATE identity_face_attempts
   SET outcome = :outcome, verify_ret = :verify_ret, errcode = :errcode, finished_at = :finished_at,
       cert_name = NULL, cert_cipher = NULL, cert_key_id = NULL
 WHERE id = :id AND outcome IS NULL;
