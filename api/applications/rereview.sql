-- F051 manual re-review of the automatic review (service/rereview.py; table: migration 0186).

-- name: latest_run(application_id)^
SELECT r.id, r.failed, a.status, a.applicant_id, a.service_code, a.public_no
FROM applications a LEFT JOIN LATERAL (
    SELECT * FROM application_reviews WHERE application_id = a.id ORDER BY id DESC LIMIT 1) r ON true
WHERE a.id = :application_id;

-- name: failed_checks(review_id)
SELECT review_id, code, grp, name, outcome, reason FROM application_review_checks
WHERE review_id = :review_id AND outcome = 'failed' ORDER BY position;

-- name: failed_checks_of(review_ids)
-- The failed checks of several runs at once (the staff list shows each request's).
SELECT review_id, code, grp, name, outcome, reason FROM application_review_checks
WHERE review_id = ANY(:review_ids) AND outcome = 'failed' ORDER BY review_id, position;

-- name: insert_request(application_id, review_id, requested_by, reason, created_at, due_on)^
INSERT INTO review_rereviews (application_id, review_id, requested_by, reason, created_at, due_on)
VALUES (:application_id, :review_id, :requested_by, :reason, :created_at, :due_on)
ON CONFLICT (review_id) DO NOTHING
RETURNING *;

-- name: get_request(id)^
SELECT x.*, a.service_code, a.public_no, a.applicant_id FROM review_rereviews x
JOIN applications a ON a.id = x.application_id WHERE x.id = :id;

-- name: lock_request(id)^
SELECT * FROM review_rereviews WHERE id = :id FOR UPDATE;

-- name: decide(id, status, decided_by, decided_at, answer, overridden)^
UPDATE review_rereviews SET status = :status, decided_by = :decided_by, decided_at = :decided_at,
                            answer = :answer, overridden = :overridden
WHERE id = :id AND status = 'open'
RETURNING *;

-- name: requests_of(application_id)
SELECT * FROM review_rereviews WHERE application_id = :application_id ORDER BY id;

-- name: open_requests(steps, all_steps)
-- The open requests of services one of whose steps the caller holds (admins: all), oldest first.
SELECT x.*, a.service_code, a.public_no, s.name AS service_name
FROM review_rereviews x JOIN applications a ON a.id = x.application_id JOIN services s ON s.code = a.service_code
WHERE x.status = 'open'
  AND (:all_steps OR EXISTS (SELECT 1 FROM service_steps s WHERE s.service_code = a.service_code
                                                             AND s.step = ANY(:steps)))
ORDER BY x.due_on, x.id LIMIT 200;

-- name: overridden_codes(application_id)
-- Checks a person found passed for this case (they stay passed on the next submission).
SELECT DISTINCT unnest(overridden) AS code FROM review_rereviews
WHERE application_id = :application_id AND status = 'overridden';

-- name: recipients(service_code)
-- Who hears of a request: active approvers and leads holding a step of the service.
SELECT DISTINCT u.id FROM users u JOIN service_steps s ON s.step = ANY(u.steps)
WHERE s.service_code = :service_code AND NOT u.disabled AND u.roles && ARRAY['approver', 'lead']::text[]
ORDER BY u.id;

-- name: overdue_requests(today)
SELECT x.id, x.application_id, x.due_on, a.service_code, a.public_no FROM review_rereviews x
JOIN applications a ON a.id = x.application_id
WHERE x.status = 'open' AND x.due_on < :today AND x.escalated_at IS NULL ORDER BY x.id;

-- name: mark_escalated(id, at)^
UPDATE review_rereviews SET escalated_at = :at WHERE id = :id AND escalated_at IS NULL AND status = 'open'
RETURNING id;

-- name: leads(service_code)
SELECT DISTINCT u.id FROM users u JOIN service_steps s ON s.step = ANY(u.steps)
WHERE s.service_code = :service_code AND NOT u.disabled AND 'lead' = ANY(u.roles) ORDER BY u.id;

-- name: insert_event(application_id, kind, actor_id, note, data)!
INSERT INTO application_events (application_id, kind, actor_id, to_status, note, data)
SELECT :application_id, :kind, :actor_id, status, :note, :data FROM applications WHERE id = :application_id;

-- name: holds_step(service_code, steps)$
SELECT EXISTS (SELECT 1 FROM service_steps WHERE service_code = :service_code AND step = ANY(:steps));
