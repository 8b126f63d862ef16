-- name: lock_phone(phone)!
INSERT INTO sms_login_phones AS p (phone) VALUES (:phone)
ON CONFLICT (phone) DO UPDATE SET phone = p.phone;

-- name: phone_codes_since(phone, since, most)$
-- The created_at of the most-th newest code in the window, or nothing when fewer were sent.
SELECT created_at FROM sms_codes
WHERE phone = :phone AND created_at > :since
ORDER BY created_at DESC
OFFSET :most - 1 LIMIT 1;

-- name: ip_codes_since(ip, since)^
SELECT count(*)::int AS n, min(created_at) AS oldest FROM sms_codes WHERE ip = :ip AND created_at > :since;

-- name: codes_since(since, most)^
-- Codes sent to any phone in the window, counted up to ``most`` (the budget), and the oldest of them.
SELECT count(*)::int AS n, min(created_at) AS oldest
FROM (SELECT created_at FROM sms_codes WHERE created_at > :since ORDER BY created_at LIMIT :most) AS recent;

-- name: insert_code(phone, code_hash, ip, created_at, expires_at)$
INSERT INTO sms_codes (phone, code_hash, ip, created_at, expires_at)
VALUES (:phone, :code_hash, :ip, :created_at, :expires_at)
RETURNING id;

-- name: count_try(phone, now, max_tries)^
-- Only the newest code of a phone counts. The try is counted before the comparison, atomically.
UPDATE sms_codes SET tries = tries + 1
WHERE id = (SELECT id FROM sms_codes WHERE phone = :phone ORDER BY created_at DESC, id DESC LIMIT 1)
  AND used_at IS NULL AND expires_at > :now AND tries < :max_tries
RETURNING id, code_hash, tries;

-- name: use_code(id, now)!
UPDATE sms_codes SET used_at = :now WHERE id = :id;

-- name: purge_codes(before)!
DELETE FROM sms_codes WHERE created_at < :before;
