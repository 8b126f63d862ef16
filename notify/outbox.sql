-- name: enqueue(user_id, phone, event, params, dedupe_key, subject_type, subject_id, not_before, urgent, expires_at, inapp_content, wechat_template, oa_template, want_sms, sms_always)
-- The outbox rows of one event, routed in one round trip (see notify.enqueue): the in-app copy
-- for a known user; WeChat when the user has an openid and an unused authorisation for the
-- template (used up here: two sends racing for the last one cannot both get it); otherwise the
-- official account's template message when the user follows it (linked by unionid); SMS when a
-- phone is known and WeChat is not used, or always when the event says so. A user that does not
-- exist gets nothing. A repeated dedupe key writes nothing and returns no id: when the in-app
-- copy exists already the event was enqueued before, and no authorisation is used again.
WITH contact AS (
    SELECT u.openid, u.unionid, coalesce(:phone::text, u.phone) AS phone FROM users u WHERE u.id = :user_id::bigint
    UNION ALL
    SELECT NULL, NULL, :phone::text WHERE :user_id::bigint IS NULL
),
inapp AS (
    INSERT INTO notifications (user_id, phone, event, channel, params, dedupe_key, subject_type, subject_id, status,
                               not_before, urgent, expires_at, content, sent_at)
    SELECT :user_id, :phone, :event, 'inapp', :params, :dedupe_key, :subject_type, :subject_id, 'sent',
           :not_before, :urgent, :expires_at, :inapp_content, now()
    FROM contact WHERE :inapp_content::text IS NOT NULL AND :user_id::bigint IS NOT NULL
    ON CONFLICT (dedupe_key, channel) DO NOTHING
    RETURNING id
),
fresh AS (
    SELECT EXISTS (SELECT 1 FROM contact)
           AND (:inapp_content::text IS NULL OR :user_id::bigint IS NULL OR EXISTS (SELECT 1 FROM inapp)) AS ok
),
authorised AS (
    UPDATE wechat_subscriptions SET remaining = remaining - 1, updated_at = now()
    WHERE user_id = :user_id::bigint AND template_id = :wechat_template::text AND remaining > 0
      AND (SELECT ok FROM fresh) AND EXISTS (SELECT 1 FROM contact WHERE openid IS NOT NULL)
    RETURNING template_id
),
wechat AS (
    INSERT INTO notifications (user_id, phone, event, channel, params, dedupe_key, subject_type, subject_id, status,
                               not_before, urgent, expires_at, template_id)
    SELECT :user_id, :phone, :event, 'wechat', :params, :dedupe_key, :subject_type, :subject_id, 'created',
           :not_before, :urgent, :expires_at, template_id
    FROM authorised
    ON CONFLICT (dedupe_key, channel) DO NOTHING
    RETURNING id
),
followed AS (
    SELECT f.oa_openid FROM contact c JOIN wechat_followers f ON f.unionid = c.unionid AND f.following
    WHERE :oa_template::text IS NOT NULL AND (SELECT ok FROM fresh) AND NOT EXISTS (SELECT 1 FROM authorised)
),
official AS (
    INSERT INTO notifications (user_id, phone, event, channel, params, dedupe_key, subject_type, subject_id, status,
                               not_before, urgent, expires_at, template_id)
    SELECT :user_id, :phone, :event, 'wechat_oa', :params, :dedupe_key, :subject_type, :subject_id, 'created',
           :not_before, :urgent, :expires_at, :oa_template
    FROM followed
    ON CONFLICT (dedupe_key, channel) DO NOTHING
    RETURNING id
),
sms AS (
    INSERT INTO notifications (user_id, phone, event, channel, params, dedupe_key, subject_type, subject_id, status,
                               not_before, urgent, expires_at)
    SELECT :user_id, :phone, :event, 'sms', :params, :dedupe_key, :subject_type, :subject_id, 'created',
           :not_before, :urgent, :expires_at
    FROM contact
    WHERE :want_sms AND contact.phone IS NOT NULL AND (SELECT ok FROM fresh)
      AND (:sms_always OR NOT (EXISTS (SELECT 1 FROM authorised) OR EXISTS (SELECT 1 FROM followed)))
    ON CONFLICT (dedupe_key, channel) DO NOTHING
    RETURNING id
)
SELECT id FROM wechat UNION ALL SELECT id FROM official UNION ALL SELECT id FROM sms;

-- name: add_subscriptions(user_id, template_ids, counts)!
INSERT INTO wechat_subscriptions AS s (user_id, template_id, remaining, accepted_total)
SELECT :user_id, t.template_id, t.n, t.n FROM unnest(:template_ids::text[], :counts::int[]) AS t(template_id, n)
ON CONFLICT (user_id, template_id) DO UPDATE
SET remaining = s.remaining + EXCLUDED.remaining, accepted_total = s.accepted_total + EXCLUDED.accepted_total,
    updated_at = now();

-- name: reject_subscriptions(user_id, template_ids)!
INSERT INTO wechat_subscriptions AS s (user_id, template_id, rejected_at)
SELECT :user_id, t, now() FROM unnest(:template_ids::text[]) AS t
ON CONFLICT (user_id, template_id) DO UPDATE SET rejected_at = now(), updated_at = now();

-- name: cancel_pending(subject_type, subject_id, events)$
-- Only rows no worker has started on; an authorisation a cancelled WeChat row reserved is given back.
WITH cancelled AS (
    UPDATE notifications
    SET status = 'cancelled', error = 'cancelled', done_at = now(), updated_at = now()
    WHERE subject_type = :subject_type AND subject_id = :subject_id AND status IN ('created', 'queued')
      AND (:events::text[] IS NULL OR event = ANY(:events::text[]))
    RETURNING user_id, template_id, channel
), given_back AS (
    UPDATE wechat_subscriptions s SET remaining = s.remaining + x.n, updated_at = now()
    FROM (SELECT user_id, template_id, count(*)::int AS n FROM cancelled
          WHERE channel = 'wechat' AND template_id IS NOT NULL GROUP BY user_id, template_id) x
    WHERE s.user_id = x.user_id AND s.template_id = x.template_id
    RETURNING 1
)
SELECT count(*)::int FROM cancelled;

-- name: recent_outbox(max_rows)
SELECT n.id, n.event, n.channel, n.status, n.content, n.error, n.attempts, n.provider_ref, n.created_at, n.sent_at,
       coalesce(n.phone, u.phone) AS phone, u.openid, n.template_id,
       (SELECT f.oa_openid FROM wechat_followers f WHERE f.unionid = u.unionid) AS oa_openid
FROM notifications n LEFT JOIN users u ON u.id = n.user_id
WHERE n.channel <> 'inapp'
ORDER BY n.created_at DESC, n.id DESC
LIMIT :max_rows;
