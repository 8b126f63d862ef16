-- name: count_password_try(phone, now, forget_before)^
-- Counted before the password is checked, under the row's lock: of parallel guesses each one
-- counts, and none gets past a lock another has just set. Tries older than forget_before (the
-- last one, that is) start again from one; a locked phone's count stands still.
INSERT INTO staff_login_guard AS g (phone, tries, updated_at) VALUES (:phone, 1, :now)
ON CONFLICT (phone) DO UPDATE SET
    tries = CASE WHEN g.locked_until > :now THEN g.tries
                 WHEN g.updated_at < :forget_before THEN 1
                 ELSE g.tries + 1 END,
    updated_at = CASE WHEN g.locked_until > :now THEN g.updated_at ELSE :now END
RETURNING tries, locks, locked_until;

-- name: lock_phone(phone, locks, locked_until)!
UPDATE staff_login_guard SET tries = 0, locks = :locks, locked_until = :locked_until WHERE phone = :phone;

-- name: clear_phone(phone)!
UPDATE staff_login_guard SET tries = 0, locks = 0, locked_until = NULL WHERE phone = :phone;
