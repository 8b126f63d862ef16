-- Accounts (F085-F087, F146): binding, changing the phone, closing. Merging: merge.sql.

-- name: lock_user(id)^
SELECT * FROM users WHERE id = :id FOR UPDATE;

-- name: phone_owner(phone)$
SELECT id FROM users WHERE phone = :phone;

-- name: lock_phone(phone)!
-- Serialises every bind, merge and change naming this phone until commit.
SELECT pg_advisory_xact_lock(hashtextextended('zsb:phone:' || :phone, 0));

-- name: tombstone(id, into_id, now)!
-- The absorbed account: emptied and disabled (disabling revokes its refresh tokens: migration 0135).
UPDATE users SET openid = NULL, unionid = NULL, phone = NULL, name = NULL, id_number = NULL,
                 company_name = NULL, credit_code = NULL, password_hash = NULL, disabled = true,
                 closed_at = :now, merged_into = :into_id, updated_at = :now
 WHERE id = :id;

-- name: take_over(id, openid, unionid, name, company_name, credit_code, now)^
-- The survivor takes the absorbed account's WeChat login and fills what it lacked.
UPDATE users SET openid = :openid, unionid = coalesce(unionid, :unionid), name = coalesce(name, :name),
                 company_name = coalesce(company_name, :company_name),
                 credit_code = coalesce(credit_code, :credit_code), updated_at = :now
 WHERE id = :id RETURNING *;

-- name: set_phone(id, phone, now)^
UPDATE users SET phone = :phone, updated_at = :now WHERE id = :id RETURNING *;

-- name: add_event(user_id, kind, other_user_id, detail, face_attempt_id, now)!
INSERT INTO account_events (user_id, kind, other_user_id, detail, face_attempt_id, created_at)
VALUES (:user_id, :kind, :other_user_id, :detail, :face_attempt_id, :now);

-- name: face_check_used(attempt_id)$
SELECT EXISTS (SELECT 1 FROM account_events WHERE face_attempt_id = :attempt_id);

-- name: open_cases(user_id)$
SELECT count(*) FROM applications
 WHERE applicant_id = :user_id AND status IN ('submitted', 'needs_supplement', 'accepted', 'in_review');

-- name: open_bookings(user_id)$
SELECT count(*) FROM appointments WHERE user_id = :user_id AND status = 'booked';

-- name: erase_personal_data(id, now)!
-- F146: 账号信息、咨询记录和地址等个人数据将被删除. Kept: cases (the forms the law keeps), licences,
-- the audit chain, ratings and complaints as records of the service; the released identity record
-- (encrypted) that ties the person to those records. Drafts never submitted lose their answers.
WITH a AS (DELETE FROM user_addresses WHERE user_id = :id),
     s AS (DELETE FROM wechat_subscriptions WHERE user_id = :id),
     f AS (DELETE FROM faq_feedback WHERE user_id = :id),
     k AS (DELETE FROM idempotency_keys WHERE user_id = :id),
     n AS (DELETE FROM notifications WHERE user_id = :id AND status IN ('sent', 'delivered', 'failed', 'cancelled')),
     c AS (UPDATE notifications SET status = 'cancelled' WHERE user_id = :id
            AND status IN ('created', 'queued', 'temporary_failure')),
     m AS (UPDATE chat_messages SET text = '（已注销）' WHERE sender = 'user'
            AND conversation_id IN (SELECT id FROM conversations WHERE user_id = :id)),
     r AS (UPDATE conversations SET status = 'resolved', resolved_at = :now, updated_at = :now
            WHERE user_id = :id AND status <> 'resolved'),
     w AS (UPDATE appt_waitlist SET status = 'cancelled', updated_at = :now WHERE user_id = :id AND status = 'waiting'),
     d AS (UPDATE applications SET answers = '{}', form = '{}' WHERE applicant_id = :id AND status = 'draft'),
     i AS (UPDATE identities SET status = 'released', updated_at = :now
            WHERE user_id = :id AND status IN ('verified', 'pending'))
UPDATE users SET openid = NULL, unionid = NULL, phone = NULL, name = NULL, id_number = NULL,
                 company_name = NULL, credit_code = NULL, password_hash = NULL, disabled = true,
                 closed_at = :now, updated_at = :now
 WHERE id = :id;

-- name: forget_phone_codes(phone)!
WITH c AS (DELETE FROM sms_codes WHERE phone = :phone)
DELETE FROM sms_login_phones WHERE phone = :phone;
