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

-- name: claim_many(ids, lease_seconds)
-- A worker takes a row only while it is due; a claim older than the lease belongs to a worker that
-- died, and its attempt may have reached the provider, so the row is marked uncertain.
UPDATE notifications n
SET status = 'pending', attempts = n.attempts + 1, claimed_at = now(), updated_at = now(),
    uncertain = n.uncertain OR n.status = 'pending'
WHERE n.id = ANY(:ids::bigint[])
  AND ((n.status IN ('created', 'queued') AND n.not_before <= now())
       OR (n.status = 'pending' AND n.claimed_at < now() - make_interval(secs => :lease_seconds)))
RETURNING n.id, n.user_id, n.event, n.channel, n.params, n.status, n.urgent, n.expires_at, n.template_id,
          n.attempts, n.uncertain, n.created_at, n.claimed_at, n.provider_ref,
          coalesce(n.phone, (SELECT phone FROM users WHERE id = n.user_id)) AS to_phone,
          (SELECT openid FROM users WHERE id = n.user_id) AS to_openid,
          CASE WHEN n.channel = 'wechat_oa' THEN
              (SELECT f.oa_openid FROM users u JOIN wechat_followers f ON f.unionid = u.unionid AND f.following
               WHERE u.id = n.user_id) END AS to_oa_openid;

-- name: put_back(id, not_before, error, uncertain, count_attempt)$
-- Not now: back to 'created' until not_before (quiet hours, a retry, a paused channel).
UPDATE notifications
SET status = 'created', not_before = :not_before, error = :error, uncertain = :uncertain, updated_at = now(),
    attempts = CASE WHEN :count_attempt THEN attempts ELSE attempts - 1 END
WHERE id = :id AND status = 'pending'
RETURNING not_before;

-- name: finish(id, status, provider_ref, provider_status, error, content, scrub_params)$
UPDATE notifications
SET status = :status, provider_ref = coalesce(:provider_ref, provider_ref), provider_status = :provider_status,
    error = :error, content = coalesce(:content, content), uncertain = false, updated_at = now(),
    sent_at = CASE WHEN :status IN ('sending', 'sent', 'delivered') THEN now() ELSE sent_at END,
    done_at = CASE WHEN :status = 'sending' THEN NULL ELSE now() END,
    params = CASE WHEN :scrub_params THEN params - 'code' ELSE params END
WHERE id = :id AND status = 'pending'
RETURNING id;

-- name: finish_many(ids, statuses, provider_refs, provider_statuses, errors, contents, scrub)!
-- The outcomes of a batch job's sends, recorded in one statement (see delivery.send_batch).
UPDATE notifications n
SET status = x.status, provider_ref = coalesce(x.provider_ref, n.provider_ref), provider_status = x.provider_status,
    error = x.error, content = coalesce(x.content, n.content), uncertain = false, updated_at = now(),
    sent_at = CASE WHEN x.status IN ('sending', 'sent', 'delivered') THEN now() ELSE n.sent_at END,
    done_at = CASE WHEN x.status = 'sending' THEN NULL ELSE now() END,
    params = CASE WHEN x.scrub THEN n.params - 'code' ELSE n.params END
FROM unnest(:ids::bigint[], :statuses::text[], :provider_refs::text[], :provider_statuses::text[], :errors::text[],
            :contents::text[], :scrub::boolean[]) AS x(id, status, provider_ref, provider_status, error, content, scrub)
WHERE n.id = x.id AND n.status = 'pending';

-- name: fallback_row(id)$
-- WeChat said the authorisation is used up (43101): the same message goes by SMS instead.
INSERT INTO notifications (user_id, phone, event, channel, params, dedupe_key, subject_type, subject_id,
                           status, not_before, urgent, expires_at)
SELECT n.user_id, n.phone, n.event, 'sms', n.params, n.dedupe_key, n.subject_type, n.subject_id,
       'created', now(), n.urgent, n.expires_at
FROM notifications n JOIN users u ON u.id = n.user_id
WHERE n.id = :id AND u.phone IS NOT NULL
ON CONFLICT (dedupe_key, channel) DO NOTHING
RETURNING id;

-- name: spend_all_subscriptions(user_id, template_id)!
UPDATE wechat_subscriptions SET remaining = 0, updated_at = now()
WHERE user_id = :user_id AND template_id = :template_id;

-- name: give_back_subscription(user_id, template_id)!
-- WeChat refused the message's data (47003) and so did not use the authorisation it reserved.
UPDATE wechat_subscriptions SET remaining = remaining + 1, updated_at = now()
WHERE user_id = :user_id AND template_id = :template_id;

-- name: due_ids(lease_seconds, max_rows)
-- For the sweeper: rows whose queue entry was lost, and claims of workers that died.
SELECT id, not_before FROM notifications
WHERE (status IN ('created', 'queued') AND not_before <= now() + interval '1 second')
   OR (status = 'pending' AND claimed_at < now() - make_interval(secs => :lease_seconds))
ORDER BY id
LIMIT :max_rows;

-- name: awaiting_receipt(max_rows)
SELECT n.id, n.provider_ref, n.sent_at, n.created_at,
       coalesce(n.phone, (SELECT phone FROM users WHERE id = n.user_id)) AS to_phone
FROM notifications n
WHERE n.status = 'sending' AND n.channel = 'sms'
ORDER BY n.sent_at
LIMIT :max_rows;

-- name: record_receipt(id, status, provider_status)$
-- Only from 'sending': a late or repeated receipt cannot undo a final status.
UPDATE notifications
SET status = :status, provider_status = :provider_status, done_at = now(), updated_at = now()
WHERE id = :id AND status = 'sending'
RETURNING id;

-- name: expire_sending(hours)$
WITH expired AS (
    UPDATE notifications
    SET status = 'temporary_failure', error = 'no delivery receipt', done_at = now(), updated_at = now()
    WHERE status = 'sending' AND sent_at < now() - make_interval(hours => :hours)
    RETURNING 1
)
SELECT count(*)::int FROM expired;

-- name: recent_outbox(max_rows)
SELECT n.id, n.event, n.channel, n.status, n.content, n.error, n.attempts, n.provider_ref, n.created_at, n.sent_at,
       coalesce(n.phone, u.phone) AS phone, u.openid, n.template_id,
       (SELECT f.oa_openid FROM wechat_followers f WHERE f.unionid = u.unionid) AS oa_openid
FROM notifications n LEFT JOIN users u ON u.id = n.user_id
WHERE n.channel <> 'inapp'
ORDER BY n.created_at DESC, n.id DESC
LIMIT :max_rows;


-- name: record_follow(oa_openid, following, at)$
-- A follow or unfollow event of the official account. Events are ordered by their CreateTime: a
-- retried or late older event changes nothing (and returns nothing). Returns whether the
-- follower still needs linking to a user (its unionid is not known yet).
INSERT INTO wechat_followers AS f (oa_openid, following, changed_at) VALUES (:oa_openid, :following, :at)
ON CONFLICT (oa_openid) DO UPDATE SET following = EXCLUDED.following, changed_at = EXCLUDED.changed_at,
                                      updated_at = now()
WHERE f.changed_at <= EXCLUDED.changed_at
RETURNING following AND unionid IS NULL;

-- name: unlinked_followers(max_rows)
-- Followers whose unionid is unknown, not asked about in the last day (an account not bound to
-- the Open Platform gets no unionid at all: no point asking every minute).
SELECT oa_openid FROM wechat_followers
WHERE following AND unionid IS NULL AND (looked_up_at IS NULL OR looked_up_at < now() - interval '1 day')
ORDER BY created_at LIMIT :max_rows;

-- name: release_unionid(oa_openid, unionid)!
-- One person, one follower row: an older openid holding the same unionid lets it go.
UPDATE wechat_followers SET unionid = NULL, following = false, updated_at = now()
WHERE unionid = :unionid AND oa_openid <> :oa_openid;

-- name: link_follower(oa_openid, unionid, following)!
UPDATE wechat_followers
SET unionid = coalesce(:unionid, unionid), looked_up_at = now(), updated_at = now(),
    following = following AND :following,
    changed_at = CASE WHEN following AND NOT :following THEN greatest(changed_at, now()) ELSE changed_at END
WHERE oa_openid = :oa_openid;

-- name: mark_unfollowed(oa_openid)!
-- WeChat refused a template message because the user no longer follows the account.
UPDATE wechat_followers SET following = false, changed_at = greatest(changed_at, now()), updated_at = now()
WHERE oa_openid = :oa_openid AND following;

-- name: held_by_pause()$
-- (delivery.PAUSED_ERROR: the row whose answer paused the channel, and those the pause held back)
SELECT count(*)::int FROM notifications
WHERE status = 'created' AND channel = 'sms' AND error LIKE 'sms channel paused%' AND not_before > now();

-- name: release_paused()
-- The SMS channel was resumed by hand: what the pause held back is due now.
UPDATE notifications SET not_before = now(), updated_at = now()
WHERE status = 'created' AND channel = 'sms' AND error LIKE 'sms channel paused%' AND not_before > now()
RETURNING id;
