-- F109 催办 (service/urging.py; table: migration 0186).

-- name: case_for_urging(application_id)^
SELECT a.id, a.applicant_id, a.status, a.public_no, a.service_code, s.name AS service_name,
       t.id AS task_id, t.step, t.assignee_id, st.name AS step_name
FROM applications a JOIN services s ON s.code = a.service_code
LEFT JOIN approval_tasks t ON t.application_id = a.id AND t.status IN ('open', 'claimed', 'waiting_exam')
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = t.step
WHERE a.id = :application_id;

-- name: insert_urging(application_id, urged_by, urged_on, created_at, step, due_on)^
INSERT INTO case_urgings (application_id, urged_by, urged_on, created_at, step, due_on)
VALUES (:application_id, :urged_by, :urged_on, :created_at, :step, :due_on)
ON CONFLICT (application_id, urged_on) DO NOTHING
RETURNING *;

-- name: step_staff(step, roles)
SELECT id FROM users WHERE NOT disabled AND :step = ANY(steps) AND roles && :roles::text[] ORDER BY id;

-- name: get_urging(id)^
SELECT u.*, a.applicant_id, a.public_no, a.service_code, s.name AS service_name, st.name AS step_name
FROM case_urgings u JOIN applications a ON a.id = u.application_id JOIN services s ON s.code = a.service_code
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = u.step
WHERE u.id = :id;

-- name: answer(id, answer, answered_by, answered_at)^
UPDATE case_urgings SET answer = :answer, answered_by = :answered_by, answered_at = :answered_at
WHERE id = :id AND answered_at IS NULL
RETURNING *;

-- name: urgings_of(application_id)
SELECT u.*, st.name AS step_name FROM case_urgings u JOIN applications a ON a.id = u.application_id
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = u.step
WHERE u.application_id = :application_id ORDER BY u.id;

-- name: supervision(steps, all_steps)
-- 效能督查: urged cases still waiting (past their expected date when urged), newest urging first.
SELECT u.*, a.public_no, a.status, s.name AS service_name, a.due_on AS application_due_on, st.name AS step_name
FROM case_urgings u JOIN applications a ON a.id = u.application_id JOIN services s ON s.code = a.service_code
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = u.step
WHERE a.status IN ('submitted', 'accepted', 'in_review')
  AND (:all_steps OR u.step = ANY(:steps))
  AND u.id = (SELECT max(x.id) FROM case_urgings x WHERE x.application_id = u.application_id)
ORDER BY u.answered_at IS NULL DESC, u.due_on, u.id LIMIT 200;

-- name: unanswered(steps, all_steps)
-- The unanswered urgings a caller may answer: those of the steps they hold (admins: all), the
-- earliest answer day first (overdue ones lead).
SELECT u.*, a.public_no, s.name AS service_name, st.name AS step_name
FROM case_urgings u JOIN applications a ON a.id = u.application_id JOIN services s ON s.code = a.service_code
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = u.step
WHERE u.answered_at IS NULL AND (:all_steps OR u.step = ANY(:steps))
ORDER BY u.due_on, u.id LIMIT 200;

-- name: overdue_urgings(today)
SELECT u.id, u.application_id, u.step, u.due_on, a.public_no FROM case_urgings u
JOIN applications a ON a.id = u.application_id
WHERE u.answered_at IS NULL AND u.due_on < :today AND u.escalated_at IS NULL ORDER BY u.id;

-- name: mark_escalated(id, at)^
UPDATE case_urgings SET escalated_at = :at WHERE id = :id AND escalated_at IS NULL AND answered_at IS NULL
RETURNING id;

-- name: insert_event(application_id, kind, actor_id, note, data)!
INSERT INTO application_events (application_id, kind, actor_id, to_status, note, data)
SELECT :application_id, :kind, :actor_id, status, :note, :data FROM applications WHERE id = :application_id;
