-- The demo's urged case (api/demo/rights.py): filed and accepted on :filed_on, expected on :due_on
-- (a decision runs on the system clock, so the API cannot back-date it).

-- name: backdate(id, filed_on, due_on)!
WITH a AS (UPDATE applications SET submitted_at = (:filed_on::date + time '09:00') AT TIME ZONE 'Asia/Shanghai',
                                   accepted_at = (:filed_on::date + time '10:00') AT TIME ZONE 'Asia/Shanghai',
                                   clock_starts_on = :filed_on::date, due_on = :due_on
           WHERE id = :id RETURNING id)
UPDATE approval_tasks SET due_on = :due_on WHERE application_id = (SELECT id FROM a) AND status IN ('open', 'claimed');
