-- Qualification exams (tables exam_cases, exam_results): invitations' cases, results, the exam year (F123).

-- name: get_exam(application_id)^
SELECT * FROM exam_cases WHERE application_id = :application_id;

-- name: open_exam(application_id)^
INSERT INTO exam_cases (application_id) VALUES (:application_id)
ON CONFLICT (application_id) DO NOTHING
RETURNING *;

-- name: lock_exam(application_id)^
SELECT * FROM exam_cases WHERE application_id = :application_id FOR UPDATE;

-- name: insert_result(application_id, subject, score, taken_on, recorded_by)^
INSERT INTO exam_results (application_id, subject, score, passed, taken_on, recorded_by)
VALUES (:application_id, :subject, :score, :score >= 90, :taken_on, :recorded_by)
RETURNING *;

-- name: count_attempt(application_id)^
UPDATE exam_cases SET attempts = attempts + 1 WHERE application_id = :application_id RETURNING *;

-- name: results(application_id)
SELECT subject, score, passed, taken_on FROM exam_results
WHERE application_id = :application_id ORDER BY taken_on, id;

-- name: valid_passes(application_id, since)
-- F123: a passed subject counts for a year.
SELECT DISTINCT subject FROM exam_results
WHERE application_id = :application_id AND passed AND taken_on > :since;

-- name: mark_passed(application_id)^
UPDATE exam_cases SET status = 'passed', passed_at = now()
WHERE application_id = :application_id AND status = 'waiting'
RETURNING *;

-- name: exam_year_end(application_id)$
-- F123: the last day of the exam year, the first exam's anniversary (from 29 February: the 28th).
-- NULL before the first exam.
SELECT (min(taken_on) + interval '1 year')::date FROM exam_results WHERE application_id = :application_id;

-- name: lapsing_exams(today)
-- Still waiting, and the first exam's anniversary is over (Asia/Shanghai business dates).
SELECT c.application_id
FROM exam_cases c
WHERE c.status = 'waiting'
  AND (SELECT (min(r.taken_on) + interval '1 year')::date FROM exam_results r
       WHERE r.application_id = c.application_id) < :today
ORDER BY c.application_id;

-- name: lock_lapsing_exam(application_id)^
SELECT c.*, a.applicant_id, a.public_no, a.service_code, s.name AS service_name,
       (SELECT (min(r.taken_on) + interval '1 year')::date FROM exam_results r
        WHERE r.application_id = c.application_id) AS year_end
FROM exam_cases c
JOIN applications a ON a.id = c.application_id
JOIN services s ON s.code = a.service_code
WHERE c.application_id = :application_id
FOR UPDATE OF c;

-- name: lapse_exam(application_id)^
UPDATE exam_cases SET status = 'lapsed', lapsed_at = now()
WHERE application_id = :application_id AND status = 'waiting'
RETURNING *;
