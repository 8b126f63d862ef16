-- name: verified_cert(user_id)^
SELECT name, id_type, id_cipher, id_key_id FROM identities WHERE user_id = :user_id AND status = 'verified';

-- name: passed_attempt(id, user_id)^
-- A try that verified the account's current verified person (face.result records nothing else as verified).
SELECT a.finished_at FROM identity_face_attempts a
 WHERE a.id = :id AND a.user_id = :user_id AND a.outcome = 'verified'
   AND EXISTS (SELECT 1 FROM identities i WHERE i.user_id = a.user_id AND i.status = 'verified');
