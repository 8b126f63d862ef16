-- name: user_contact(user_id)^
SELECT id, phone, openid FROM users WHERE id = :user_id;

-- name: insert_notification(user_id, event, channel, params, dedupe_key, subject_type, subject_id, status, not_before)$
INSERT INTO notifications (user_id, event, channel, params, dedupe_key, subject_type, subject_id, status, not_before)
VALUES (:user_id, :event, :channel, :params, :dedupe_key, :subject_type, :subject_id, :status, :not_before)
ON CONFLICT (dedupe_key, channel) DO NOTHING
RETURNING id;
