-- name: inbox(user_id, before_id, max_rows)
SELECT id, event, content, read_at, created_at, subject_type, params->>'publicNo' AS public_no FROM notifications
WHERE user_id = :user_id AND channel = 'inapp' AND (:before_id::bigint IS NULL OR id < :before_id::bigint)
ORDER BY id DESC
LIMIT :max_rows;

-- name: unread_count(user_id)$
SELECT count(*)::int FROM notifications WHERE user_id = :user_id AND channel = 'inapp' AND read_at IS NULL;

-- name: mark_read(user_id, id)^
-- Idempotent: marking a read notification again keeps its first read time.
UPDATE notifications SET read_at = coalesce(read_at, now())
WHERE id = :id AND user_id = :user_id AND channel = 'inapp'
RETURNING id;

-- name: mark_all_read(user_id)$
WITH marked AS (
    UPDATE notifications SET read_at = now()
    WHERE user_id = :user_id AND channel = 'inapp' AND read_at IS NULL
    RETURNING 1
)
SELECT count(*)::int FROM marked;

-- name: subscriptions(user_id)
SELECT template_id, remaining, rejected_at FROM wechat_subscriptions WHERE user_id = :user_id ORDER BY template_id;
