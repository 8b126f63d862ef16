-- Enterprises, their 经办人 and grants (migration 0189).

-- name: insert_enterprise(credit_code, name, kind, legal_rep_id, legal_rep_identity_id, legal_rep_name, status, method, evidence, now)^
INSERT INTO enterprises (credit_code, name, kind, legal_rep_id, legal_rep_identity_id, legal_rep_name, status,
                         method, evidence, verified_at, created_at)
VALUES (:credit_code, :name, :kind, :legal_rep_id, :legal_rep_identity_id, :legal_rep_name, :status, :method,
        :evidence, CASE WHEN :status = 'verified' THEN :now::timestamptz END, :now)
RETURNING *;

-- name: by_code(credit_code)^
SELECT * FROM enterprises WHERE credit_code = :credit_code AND status <> 'refused';

-- name: enterprise(id)^
SELECT * FROM enterprises WHERE id = :id;

-- name: lock_enterprise(id)^
SELECT * FROM enterprises WHERE id = :id FOR UPDATE;

-- name: holder(id)^
SELECT name, credit_code, legal_rep_name, kind FROM enterprises WHERE id = :id;

-- name: set_photo(id, photo_key, photo_type, due_on)^
UPDATE enterprises SET status = 'pending', photo_key = :photo_key, photo_type = :photo_type, due_on = :due_on,
                       refusal_reason = NULL
WHERE id = :id AND status = 'awaiting_photo' RETURNING *;

-- name: pending(status)
SELECT * FROM enterprises WHERE status = :status ORDER BY due_on NULLS LAST, id LIMIT 200;

-- name: approve(id, staff_id, now)^
UPDATE enterprises SET status = 'verified', method = 'document', reviewed_by = :staff_id, reviewed_at = :now,
                       verified_at = :now, evidence = evidence || jsonb_build_object('reviewedBy', :staff_id::bigint)
WHERE id = :id AND status = 'pending' RETURNING *;

-- name: refuse(id, staff_id, now, reason)^
UPDATE enterprises SET status = 'refused', reviewed_by = :staff_id, reviewed_at = :now, refusal_reason = :reason
WHERE id = :id AND status = 'pending' RETURNING *;

-- name: mine(user_id)
-- The enterprises the person represents (any status) or acts for as an active 经办人 (verified only).
SELECT e.*, 'legal_rep' AS my_role, true AS all_services, '{}'::text[] AS services
FROM enterprises e WHERE e.legal_rep_id = :user_id AND e.status <> 'refused'
UNION ALL
SELECT e.*, 'agent', a.all_services, a.services
FROM enterprise_agents a JOIN enterprises e ON e.id = a.enterprise_id
WHERE a.user_id = :user_id AND a.active AND e.status = 'verified'
ORDER BY id;

-- name: grant_of(user_id, enterprise_id)^
-- Checked on every request of a token acting for an enterprise: one indexed read.
SELECT e.legal_rep_id = :user_id AS is_rep, coalesce(a.active, false) AS active, a.all_services, a.services
FROM enterprises e
LEFT JOIN enterprise_agents a ON a.enterprise_id = e.id AND a.user_id = :user_id
WHERE e.id = :enterprise_id AND e.status = 'verified';

-- name: account_by_phone(phone)$
SELECT id FROM users WHERE phone = :phone AND NOT disabled;

-- name: known_services(codes)
SELECT code FROM services WHERE code = ANY(:codes);

-- name: agent(enterprise_id, user_id)^
SELECT * FROM enterprise_agents WHERE enterprise_id = :enterprise_id AND user_id = :user_id FOR UPDATE;

-- name: upsert_agent(enterprise_id, user_id, all_services, services, granted_by, now)^
INSERT INTO enterprise_agents (enterprise_id, user_id, all_services, services, active, granted_by, updated_at)
VALUES (:enterprise_id, :user_id, :all_services, :services, true, :granted_by, :now)
ON CONFLICT (enterprise_id, user_id) DO UPDATE SET
    all_services = EXCLUDED.all_services, services = EXCLUDED.services, active = true,
    granted_by = EXCLUDED.granted_by, updated_at = EXCLUDED.updated_at
RETURNING *;

-- name: revoke_agent(enterprise_id, user_id, now)^
UPDATE enterprise_agents SET active = false, updated_at = :now
WHERE enterprise_id = :enterprise_id AND user_id = :user_id AND active RETURNING *;

-- name: insert_grant_event(enterprise_id, agent_id, actor_id, action, all_services, services, now)!
INSERT INTO enterprise_grant_events (enterprise_id, agent_id, actor_id, action, all_services, services, at)
VALUES (:enterprise_id, :agent_id, :actor_id, :action, :all_services, :services, :now);

-- name: agents(enterprise_id)
SELECT a.*, u.phone, coalesce(i.name, u.name, '') AS name
FROM enterprise_agents a JOIN users u ON u.id = a.user_id
LEFT JOIN identities i ON i.user_id = a.user_id AND i.status = 'verified'
WHERE a.enterprise_id = :enterprise_id ORDER BY a.active DESC, a.updated_at DESC;

-- name: grant_events(enterprise_id)
SELECT g.*, coalesce(i.name, '') AS agent_name
FROM enterprise_grant_events g
LEFT JOIN identities i ON i.user_id = g.agent_id AND i.status = 'verified'
WHERE g.enterprise_id = :enterprise_id ORDER BY g.id;

-- name: acted_as(enterprise_id, user_id)$
-- Who acted for the enterprise on a case, as staff see it (legal_rep | agent | NULL).
SELECT CASE WHEN e.legal_rep_id = :user_id THEN 'legal_rep'
            WHEN EXISTS (SELECT 1 FROM enterprise_agents a WHERE a.enterprise_id = e.id AND a.user_id = :user_id)
            THEN 'agent' END
FROM enterprises e WHERE e.id = :enterprise_id;
