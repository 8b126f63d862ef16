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
-- The outcomes of a batch job's sends, recorded in one statement (see delivery.send_notification_batch).
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

-- name: mark_unfollowed(oa_openid)!
-- WeChat refused a template message because the user no longer follows the account.
UPDATE wechat_followers SET following = false, changed_at = greatest(changed_at, now()), updated_at = now()
WHERE oa_openid = :oa_openid AND following;

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
