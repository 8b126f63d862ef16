-- 代办 for a person (issue 20, F093): migration 0198.

-- name: insert_filing(application_id, agent_id, principal_id, now)^
INSERT INTO agency_filings (application_id, agent_id, principal_id, created_at)
VALUES (:application_id, :agent_id, :principal_id, :now)
RETURNING *;

-- name: lock_filing(id)^
SELECT * FROM agency_filings WHERE id = :id FOR UPDATE;

-- name: filing_view(id)^
SELECT f.*, a.service_code, s.name AS service_name
  FROM agency_filings f JOIN applications a ON a.id = f.application_id JOIN services s ON s.code = a.service_code
 WHERE f.id = :id;

-- name: filings_of(user_id, as_agent)
SELECT f.*, a.service_code, s.name AS service_name
  FROM agency_filings f JOIN applications a ON a.id = f.application_id JOIN services s ON s.code = a.service_code
 WHERE CASE WHEN :as_agent THEN f.agent_id = :user_id ELSE f.principal_id = :user_id END
 ORDER BY f.id DESC
 LIMIT 200;

-- name: set_letter(id, letter_key, letter_type, code_hash)^
UPDATE agency_filings SET letter_key = :letter_key, letter_type = :letter_type, code_hash = :code_hash,
       code_tries = 0, status = 'awaiting_confirmation'
 WHERE id = :id AND status = 'awaiting_letter'
RETURNING *;

-- name: count_try(id)!
UPDATE agency_filings SET code_tries = code_tries + 1 WHERE id = :id;

-- name: decide(id, status, now)^
UPDATE agency_filings SET status = :status, decided_at = :now, code_hash = NULL WHERE id = :id RETURNING *;

-- name: agent_stands(application_id, agent_id)$
-- The authorisation stands until the principal refuses or withdraws it.
SELECT EXISTS (SELECT 1 FROM agency_filings WHERE application_id = :application_id AND agent_id = :agent_id
                  AND enterprise_id IS NULL AND status IN ('awaiting_letter', 'awaiting_confirmation', 'confirmed'));

-- name: status_of_case(application_id)$
SELECT status FROM agency_filings WHERE application_id = :application_id;

-- name: phone_of(user_id)$
SELECT phone FROM users WHERE id = :user_id AND NOT disabled;

-- name: company_stands(application_id, enterprise_id)$
-- A taxi company reaches its driver's registration while the driver has not refused it.
SELECT EXISTS (SELECT 1 FROM agency_filings WHERE application_id = :application_id
                  AND enterprise_id = :enterprise_id AND status IN ('awaiting_confirmation', 'confirmed'));

-- name: insert_taxi_filing(application_id, agent_id, principal_id, enterprise_id, now)^
INSERT INTO agency_filings (application_id, agent_id, principal_id, enterprise_id, kind, status, created_at)
VALUES (:application_id, :agent_id, :principal_id, :enterprise_id, 'taxi', 'awaiting_confirmation', :now)
RETURNING *;

-- name: filings_of_enterprise(enterprise_id)
SELECT f.*, a.service_code, s.name AS service_name
  FROM agency_filings f JOIN applications a ON a.id = f.application_id JOIN services s ON s.code = a.service_code
 WHERE f.enterprise_id = :enterprise_id
 ORDER BY f.id DESC
 LIMIT 200;

-- name: filings_of_cases(application_ids)
-- Staff tasks (issue 20): who filed each of these cases for its subject, with the filing company.
SELECT f.*, e.name AS company_name, e.credit_code AS company_credit_code
  FROM agency_filings f LEFT JOIN enterprises e ON e.id = f.enterprise_id
 WHERE f.application_id = ANY(:application_ids::bigint[]);

-- name: letter_of_case(application_id)^
SELECT letter_key, letter_type FROM agency_filings WHERE application_id = :application_id;
