-- name: reserve_public_nos(days, counts)
INSERT INTO public_no_counters AS p (day, last)
SELECT * FROM unnest(:days::date[], :counts::int[])
ON CONFLICT (day) DO UPDATE SET last = p.last + EXCLUDED.last
RETURNING day, last;

-- name: create_staging#
CREATE TEMP TABLE demo_cases (
    applicant_id bigint, service_code text, is_instant boolean, promised_days int, public_no text,
    submitted_at timestamptz, accepted_at timestamptz, decided_at timestamptz, final text, automatic boolean,
    entered_by bigint
) ON COMMIT DROP;

-- Every case enters as a draft and moves through the real state machine (the trigger checks each
-- step), so the demo data obeys the same rules as cases made through the API.
-- name: insert_drafts()
INSERT INTO applications (applicant_id, service_code, is_instant, promised_days, public_no, created_at, entered_by)
SELECT applicant_id, service_code, is_instant, promised_days, public_no, submitted_at, entered_by FROM demo_cases
RETURNING id, public_no;

-- name: move_submitted()!
UPDATE applications a SET status = 'submitted', submitted_at = d.submitted_at
  FROM demo_cases d WHERE d.public_no = a.public_no AND a.status = 'draft';

-- name: move_accepted()!
UPDATE applications a SET status = 'accepted', accepted_at = d.accepted_at
  FROM demo_cases d WHERE d.public_no = a.public_no AND a.status = 'submitted' AND d.accepted_at IS NOT NULL;

-- name: move_decided()!
UPDATE applications a SET status = d.final, decided_at = d.decided_at, decided_automatically = d.automatic
  FROM demo_cases d WHERE d.public_no = a.public_no AND a.status = 'accepted' AND d.final IN ('approved', 'rejected');

-- name: analyze_demo#
ANALYZE applications; ANALYZE application_materials; ANALYZE licences; ANALYZE trips; ANALYZE ratings; ANALYZE rating_follow_ups;

-- name: demo_users(prefix)
SELECT id FROM users WHERE openid LIKE :prefix || '%' ORDER BY id;

-- name: demo_licences(prefix)
SELECT id, holder_id, type FROM licences WHERE number LIKE :prefix || '%' AND application_id IS NULL;

-- name: demo_bad_ratings(min_id, ids)
SELECT id, user_id, created_at FROM ratings
 WHERE target_type = 'application' AND target_id = ANY(:ids) AND is_bad AND id > :min_id;

-- name: drop_staging#
DROP TABLE demo_cases;

-- name: demo_staff()$
SELECT id FROM users WHERE roles && ARRAY['admin', 'lead']::text[] ORDER BY id LIMIT 1;

-- name: insert_gap_notices(ids, due, created, resolved)!
INSERT INTO gap_notices (application_id, gaps, from_status, due_on, created_at, resolved_at, outcome)
SELECT id, '[{"code": "m0", "name": "申请材料1", "message": "照片不清晰，请重新上传"}]'::jsonb, 'submitted',
       due, created, resolved, 'supplemented'
  FROM unnest(:ids::bigint[], :due::date[], :created::timestamptz[], :resolved::timestamptz[]) AS t(id, due, created, resolved);

-- name: vacuum_demo#
VACUUM (ANALYZE) applications, application_materials, trips, ratings, rating_follow_ups, stats_case_facts,
    stats_case_daily, stats_case_workdays, stats_rating_facts, stats_rating_daily;
