-- F139 帮办代办 requests (their callbacks live in helpdesk_callbacks, callbacks.sql) and 服务管家.

-- name: add_request(user_id, enterprise_id, service_code, need)^
INSERT INTO assist_requests (user_id, enterprise_id, service_code, need)
VALUES (:user_id, :enterprise_id, :service_code, :need)
RETURNING *;

-- name: add_callback(user_id, assist_request_id, agent_id, due_on)^
INSERT INTO helpdesk_callbacks (user_id, assist_request_id, agent_id, due_on)
VALUES (:user_id, :assist_request_id, :agent_id, :due_on)
RETURNING *;

-- name: least_busy_navigator()$
-- The navigator with the fewest open callbacks (then the lowest id): who a request goes to.
SELECT u.id FROM users u
WHERE 'helpdesk' = ANY(u.roles) AND NOT u.disabled
ORDER BY (SELECT count(*) FROM helpdesk_callbacks c WHERE c.agent_id = u.id AND c.status = 'open'), u.id
LIMIT 1;

-- name: least_busy_steward(today)$
-- The navigator with the fewest companies in their care today: who becomes a new 服务管家.
SELECT u.id FROM users u
WHERE 'helpdesk' = ANY(u.roles) AND NOT u.disabled
ORDER BY (SELECT count(*) FROM service_stewards s WHERE s.agent_id = u.id AND s.ends_on > :today), u.id
LIMIT 1;

-- name: my_requests(user_id)
SELECT r.*, cb.status AS callback_status, cb.due_on, cb.agent_id, ag.name AS agent_name, cb.closed_at
FROM assist_requests r
JOIN helpdesk_callbacks cb ON cb.assist_request_id = r.id
LEFT JOIN users ag ON ag.id = cb.agent_id
WHERE r.user_id = :user_id
ORDER BY r.id DESC;

-- name: my_request(id, user_id)^
SELECT r.*, cb.status AS callback_status, cb.due_on, cb.agent_id, ag.name AS agent_name, cb.closed_at
FROM assist_requests r
JOIN helpdesk_callbacks cb ON cb.assist_request_id = r.id
LEFT JOIN users ag ON ag.id = cb.agent_id
WHERE r.id = :id AND r.user_id = :user_id;

-- name: first_case_day(enterprise_id)$
-- The enterprise's first case (首次办事: its first submission), as a Beijing date; NULL before any.
SELECT min((submitted_at AT TIME ZONE 'Asia/Shanghai')::date)
FROM applications WHERE enterprise_id = :enterprise_id AND submitted_at IS NOT NULL;

-- name: add_steward(enterprise_id, agent_id, requested_by, starts_on, ends_on)^
INSERT INTO service_stewards (enterprise_id, agent_id, requested_by, starts_on, ends_on)
VALUES (:enterprise_id, :agent_id, :requested_by, :starts_on, :ends_on)
ON CONFLICT (enterprise_id) DO NOTHING
RETURNING *;

-- name: steward_of(enterprise_id)^
SELECT s.*, u.name AS agent_name FROM service_stewards s JOIN users u ON u.id = s.agent_id
WHERE s.enterprise_id = :enterprise_id;

-- name: case_subject(id)^
SELECT id, applicant_id, enterprise_id FROM applications WHERE id = :id;

-- name: phone_of(user_id)$
SELECT phone FROM users WHERE id = :user_id;
