-- name: policy()^
SELECT callback_workdays, rectify_workdays, comment_days FROM rating_policy;

-- name: set_policy(callback_workdays, rectify_workdays, comment_days)^
UPDATE rating_policy
   SET callback_workdays = :callback_workdays, rectify_workdays = :rectify_workdays,
       comment_days = :comment_days, updated_at = now()
RETURNING callback_workdays, rectify_workdays, comment_days;

-- A finished target of each kind, with its owner, subject (enterprise_id, issue 20; NULL: the person)
-- and service (NULL when it does not exist).
-- name: application_target(id)^
SELECT a.applicant_id AS owner_id, a.enterprise_id, a.service_code, s.name AS service_name,
       a.status IN ('approved', 'rejected') AS finished
  FROM applications a JOIN services s ON s.code = a.service_code
 WHERE a.id = :id;

-- name: appointment_target(id)^
SELECT a.user_id AS owner_id, a.enterprise_id, a.service_code, COALESCE(s.name, a.service_code) AS service_name,
       a.status = 'checked_in' AS finished
  FROM appointments a LEFT JOIN services s ON s.code = a.service_code
 WHERE a.id = :id;

-- name: conversation_target(id)^
SELECT c.user_id AS owner_id, NULL::bigint AS enterprise_id, NULL::text AS service_code, '咨询服务' AS service_name,
       c.status = 'resolved' AS finished
  FROM conversations c
 WHERE c.id = :id;

-- The unique indexes ratings_one_per_target (a person's) and ratings_one_per_enterprise_target (an
-- enterprise's, whichever 经办人 rates) refuse a second rating: ON CONFLICT returns nothing.
-- name: insert_rating(user_id, target_type, target_id, service_code, level, tags, comment, now, enterprise_id)^
INSERT INTO ratings (user_id, target_type, target_id, service_code, level, tags, comment, created_at, enterprise_id)
VALUES (:user_id, :target_type, :target_id, :service_code, :level, :tags, :comment, :now, :enterprise_id)
ON CONFLICT DO NOTHING
RETURNING *;

-- name: insert_follow_up(rating_id, callback_due_on, rectify_due_on, now)^
INSERT INTO rating_follow_ups (rating_id, callback_due_on, rectify_due_on, created_at)
VALUES (:rating_id, :callback_due_on, :rectify_due_on, :now)
RETURNING *;

-- name: insert_event(rating_id, kind, actor_id, note, data)^
INSERT INTO rating_follow_up_events (rating_id, kind, actor_id, note, data)
VALUES (:rating_id, :kind, :actor_id, :note, :data)
RETURNING *;

-- name: events_of(rating_id)
SELECT id, kind, actor_id, note, data, created_at
  FROM rating_follow_up_events WHERE rating_id = :rating_id ORDER BY id;

-- name: comments_of(rating_ids)
SELECT id, rating_id, text, created_at, content_check
  FROM rating_comments WHERE rating_id = ANY(:rating_ids) ORDER BY id;

-- Appending a comment: only within comment_days of the rating, at most 5; by the rating's subject
-- (checked before: the rater, or a person acting for the enterprise that rated).
-- The conditions sit in the INSERT itself, so two concurrent appends cannot both slip past.
-- name: append_comment(rating_id, user_id, text, now)^
INSERT INTO rating_comments (rating_id, user_id, text, created_at)
SELECT r.id, :user_id, :text, :now
  FROM ratings r, rating_policy p
 WHERE r.id = :rating_id AND r.voided_at IS NULL
   AND :now < r.created_at + make_interval(days => p.comment_days)
   AND (SELECT count(*) FROM rating_comments c WHERE c.rating_id = r.id) < 5
RETURNING *;

-- name: lock_rating(id)^
SELECT * FROM ratings WHERE id = :id FOR UPDATE;

-- name: comment_count(rating_id)$
SELECT count(*) FROM rating_comments WHERE rating_id = :rating_id;

-- name: get_follow_up(rating_id)^
SELECT * FROM rating_follow_ups WHERE rating_id = :rating_id;

-- name: call_back(rating_id, actor_id, note, now)^
UPDATE rating_follow_ups
   SET status = 'called_back', called_back_at = :now, called_back_by = :actor_id, callback_note = :note
 WHERE rating_id = :rating_id AND status = 'open'
RETURNING *;

-- name: close_follow_up(rating_id, actor_id, note, outcome, now)^
UPDATE rating_follow_ups
   SET status = 'closed', closed_at = :now, closed_by = :actor_id, rectification_note = :note, outcome = :outcome
 WHERE rating_id = :rating_id AND status = 'called_back'
RETURNING *;

-- name: void_rating(id, actor_id, reason, now)^
UPDATE ratings SET voided_at = :now, voided_by = :actor_id, void_reason = :reason
 WHERE id = :id AND voided_at IS NULL
RETURNING *;

-- name: void_follow_up(rating_id)^
UPDATE rating_follow_ups SET status = 'voided'
 WHERE rating_id = :rating_id AND status IN ('open', 'called_back')
RETURNING *;

-- The rater's own ratings with their follow-up (F143: 整改和处理结果可在“我的评价”中查看), made as themself.
-- name: my_ratings(user_id)
SELECT r.*, f.status AS follow_up_status, f.callback_due_on, f.rectify_due_on, f.called_back_at,
       f.closed_at, f.outcome, f.rectification_note
  FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
 WHERE r.user_id = :user_id AND r.enterprise_id IS NULL
 ORDER BY r.id DESC
 LIMIT 200;

-- An enterprise's ratings, whichever of its people rated; an 经办人's: of the granted services.
-- name: enterprise_ratings(enterprise_id, all_services, services)
SELECT r.*, f.status AS follow_up_status, f.callback_due_on, f.rectify_due_on, f.called_back_at,
       f.closed_at, f.outcome, f.rectification_note
  FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
 WHERE r.enterprise_id = :enterprise_id AND (:all_services OR r.service_code = ANY(:services::text[]))
 ORDER BY r.id DESC
 LIMIT 200;

-- One rating with its follow-up; whose it is, the caller decides (api/enterprises/scope.py).
-- name: rating_with_follow_up(id)^
SELECT r.*, f.status AS follow_up_status, f.callback_due_on, f.rectify_due_on, f.called_back_at,
       f.closed_at, f.outcome, f.rectification_note
  FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
 WHERE r.id = :id;

-- Admin list. overdue: a stage whose last day (Asia/Shanghai) has passed and is not done.
-- name: admin_list(bad, overdue, include_voided, today, before_id, max_rows)
SELECT r.*, u.name AS rater_name, u.phone AS rater_phone,
       f.status AS follow_up_status, f.callback_due_on, f.rectify_due_on, f.called_back_at, f.closed_at,
       f.outcome, f.callback_escalated_at, f.rectify_escalated_at,
       (f.status = 'open' AND f.callback_due_on < :today)
         OR (f.status IN ('open', 'called_back') AND f.rectify_due_on < :today) AS overdue
  FROM ratings r
  JOIN users u ON u.id = r.user_id
  LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
 WHERE (:bad::boolean IS NULL OR r.is_bad = :bad)
   AND (:include_voided OR r.voided_at IS NULL)
   AND (NOT :overdue OR ((f.status = 'open' AND f.callback_due_on < :today)
                         OR (f.status IN ('open', 'called_back') AND f.rectify_due_on < :today)))
   AND (:before_id::bigint IS NULL OR r.id < :before_id)
 ORDER BY r.id DESC
 LIMIT :max_rows;

-- name: admin_get(id, today)^
SELECT r.*, u.name AS rater_name, u.phone AS rater_phone,
       f.status AS follow_up_status, f.callback_due_on, f.rectify_due_on, f.called_back_at, f.closed_at,
       f.outcome, f.callback_escalated_at, f.rectify_escalated_at, f.callback_note, f.rectification_note,
       (f.status = 'open' AND f.callback_due_on < :today)
         OR (f.status IN ('open', 'called_back') AND f.rectify_due_on < :today) AS overdue
  FROM ratings r
  JOIN users u ON u.id = r.user_id
  LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
 WHERE r.id = :id;

-- ---------------------------------------------------------------- jobs

-- Finished targets since :since not yet invited; the invitation rows are written here, once.
-- name: claim_invitations(since, max_rows)
WITH finished AS (
    SELECT 'application' AS target_type, a.id AS target_id, a.applicant_id AS user_id, s.name AS service_name
      FROM applications a JOIN services s ON s.code = a.service_code
     WHERE a.decided_at >= :since AND a.status IN ('approved', 'rejected')
    UNION ALL
    SELECT 'appointment', a.id, a.user_id, COALESCE(s.name, a.service_code)
      FROM appointments a LEFT JOIN services s ON s.code = a.service_code
     WHERE a.status = 'checked_in' AND a.checked_in_at >= :since
    UNION ALL
    SELECT 'conversation', c.id, c.user_id, '咨询服务'
      FROM conversations c
     WHERE c.status = 'resolved' AND c.resolved_at >= :since
), fresh AS (
    SELECT f.* FROM finished f
     WHERE NOT EXISTS (SELECT 1 FROM rating_invitations i
                        WHERE i.target_type = f.target_type AND i.target_id = f.target_id)
     LIMIT :max_rows
), claimed AS (
    INSERT INTO rating_invitations (target_type, target_id, user_id)
    SELECT target_type, target_id, user_id FROM fresh
    ON CONFLICT DO NOTHING
    RETURNING target_type, target_id, user_id
)
SELECT c.target_type, c.target_id, c.user_id, f.service_name
  FROM claimed c JOIN fresh f USING (target_type, target_id);

-- Overdue stages not yet escalated: marked escalated here, once per stage.
-- name: escalate_callbacks(today, at)
UPDATE rating_follow_ups f SET callback_escalated_at = :at
 WHERE f.status = 'open' AND f.callback_due_on < :today AND f.callback_escalated_at IS NULL
RETURNING f.rating_id, f.callback_due_on AS due_on;

-- name: escalate_rectifications(today, at)
UPDATE rating_follow_ups f SET rectify_escalated_at = :at
 WHERE f.status IN ('open', 'called_back') AND f.rectify_due_on < :today AND f.rectify_escalated_at IS NULL
RETURNING f.rating_id, f.rectify_due_on AS due_on;

-- name: escalation_recipients()
SELECT id FROM users WHERE roles && ARRAY['lead', 'admin']::text[] AND NOT disabled ORDER BY id;

-- ---------------------------------------------------------------- content checks (issue 25)
-- kind 'rating': the rating's own comment; 'comment': an appended one.

-- name: set_rating_check(id, content_check, content_check_result)^
UPDATE ratings SET content_check = :content_check, content_check_result = :content_check_result
 WHERE id = :id
RETURNING *;

-- name: set_comment_check(id, content_check, content_check_result)^
UPDATE rating_comments SET content_check = :content_check, content_check_result = :content_check_result
 WHERE id = :id
RETURNING *;

-- name: rating_to_check(id)^
SELECT r.id, r.id AS rating_id, r.user_id, r.comment AS text, u.openid
  FROM ratings r JOIN users u ON u.id = r.user_id
 WHERE r.id = :id AND r.content_check = 'pending';

-- name: comment_to_check(id)^
SELECT c.id, c.rating_id, c.user_id, c.text, u.openid
  FROM rating_comments c JOIN users u ON u.id = c.user_id
 WHERE c.id = :id AND c.content_check = 'pending';

-- Only a pending text: a second run of the job (arq retry) changes nothing.
-- name: settle_rating(id, content_check, content_check_result)^
UPDATE ratings SET content_check = :content_check, content_check_result = :content_check_result
 WHERE id = :id AND content_check = 'pending'
RETURNING *;

-- name: settle_comment(id, content_check, content_check_result)^
UPDATE rating_comments SET content_check = :content_check, content_check_result = :content_check_result
 WHERE id = :id AND content_check = 'pending'
RETURNING *;

-- name: held_texts(max_rows)
SELECT 'rating' AS kind, id, id AS rating_id, comment AS text, content_check_result, created_at
  FROM ratings WHERE content_check = 'held'
UNION ALL
SELECT 'comment', id, rating_id, text, content_check_result, created_at
  FROM rating_comments WHERE content_check = 'held'
 ORDER BY created_at DESC
 LIMIT :max_rows;

-- name: release_rating(id, reviewer_id)^
UPDATE ratings SET content_check = 'pass',
       content_check_result = coalesce(content_check_result, '{}'::jsonb)
                              || jsonb_build_object('releasedBy', :reviewer_id::bigint, 'releasedAt', now())
 WHERE id = :id AND content_check = 'held'
RETURNING id, id AS rating_id, user_id, comment AS text;

-- name: release_comment(id, reviewer_id)^
UPDATE rating_comments SET content_check = 'pass',
       content_check_result = coalesce(content_check_result, '{}'::jsonb)
                              || jsonb_build_object('releasedBy', :reviewer_id::bigint, 'releasedAt', now())
 WHERE id = :id AND content_check = 'held'
RETURNING id, rating_id, user_id, text;

-- Texts still waiting for their check a minute on (the queue lost the job): for the sweeper.
-- name: checks_due(now)
SELECT 'rating' AS kind, id FROM ratings
 WHERE content_check = 'pending' AND created_at < :now::timestamptz - interval '1 minute'
UNION ALL
SELECT 'comment', id FROM rating_comments
 WHERE content_check = 'pending' AND created_at < :now::timestamptz - interval '1 minute'
 LIMIT 500;
