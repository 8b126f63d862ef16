-- F102 the case's thread with the approver (service/thread.py; table: migration 0186).

-- name: case_of(application_id)^
SELECT a.id, a.applicant_id, a.accepted_at, a.public_no, s.name AS service_name,
       t.step, t.assignee_id, st.name AS step_name
FROM applications a JOIN services s ON s.code = a.service_code
LEFT JOIN approval_tasks t ON t.application_id = a.id AND t.status IN ('open', 'claimed', 'waiting_exam')
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = t.step
WHERE a.id = :application_id;

-- name: insert_message(application_id, sender_id, from_staff, step, body)^
INSERT INTO case_messages (application_id, sender_id, from_staff, step, body)
VALUES (:application_id, :sender_id, :from_staff, :step, :body)
RETURNING *;

-- name: messages_of(application_id)
SELECT m.id, m.from_staff, m.step, m.body, m.created_at, st.name AS step_name
FROM case_messages m JOIN applications a ON a.id = m.application_id
LEFT JOIN service_steps st ON st.service_code = a.service_code AND st.step = m.step
WHERE m.application_id = :application_id ORDER BY m.id;

-- name: step_approvers(step)
SELECT id FROM users WHERE NOT disabled AND :step = ANY(steps) AND roles && ARRAY['approver', 'lead']::text[] ORDER BY id;

-- name: own_case(staff_id, application_id)$
SELECT staff_own_case(:staff_id, :application_id);
