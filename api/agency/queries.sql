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

-- F020: ending a taxi driver's registration (migration 0201).

-- name: lock_driver(driver_id)!
-- One registration at a time per driver: two companies filing at once queue here.
SELECT pg_advisory_xact_lock(hashtextextended('zsb:taxi_registration:' || :driver_id::bigint::text, 0));

-- name: live_registration(driver_id, today)^
-- The driver's registration that stands: filed and not refused, not deregistered, its case still open
-- or approved with its service card in force.
SELECT f.*, a.status AS application_status, e.name AS company_name
  FROM agency_filings f JOIN applications a ON a.id = f.application_id
  LEFT JOIN enterprises e ON e.id = f.enterprise_id
 WHERE f.kind = 'taxi' AND f.principal_id = :driver_id AND f.deregistered_at IS NULL
   AND f.status IN ('awaiting_confirmation', 'confirmed')
   AND (a.status IN ('draft', 'submitted', 'needs_supplement', 'accepted', 'in_review')
        OR a.status = 'approved' AND EXISTS (
            SELECT 1 FROM licences l WHERE l.application_id = a.id AND l.status = 'valid'
               AND (l.valid_until IS NULL OR l.valid_until >= :today)))
 ORDER BY f.id DESC
 LIMIT 1;

-- name: deregister(id, how, contract_ended_on, now)^
UPDATE agency_filings SET deregistered_at = :now, deregistered_how = :how, contract_ended_on = :contract_ended_on
 WHERE id = :id AND deregistered_at IS NULL
RETURNING *;

-- name: add_deregistration_request(filing_id, assist_request_id, contract_ended_on, proof_key, proof_type, now)^
INSERT INTO taxi_deregistration_requests (filing_id, assist_request_id, contract_ended_on, proof_key, proof_type,
                                          created_at)
VALUES (:filing_id, :assist_request_id, :contract_ended_on, :proof_key, :proof_type, :now)
ON CONFLICT (filing_id) WHERE status = 'pending' DO NOTHING
RETURNING *;

-- name: open_deregistration_request(filing_id)^
SELECT * FROM taxi_deregistration_requests WHERE filing_id = :filing_id AND status = 'pending';

-- name: deregistration_requests(driver_id, status)
-- The driver's own requests (driver_id), or staff's list (driver_id NULL) of one status (NULL: all).
SELECT r.*, f.application_id, f.principal_id, e.name AS company_name
  FROM taxi_deregistration_requests r JOIN agency_filings f ON f.id = r.filing_id
  LEFT JOIN enterprises e ON e.id = f.enterprise_id
 WHERE (:driver_id::bigint IS NULL OR f.principal_id = :driver_id)
   AND (:status::text IS NULL OR r.status = :status)
 ORDER BY r.id DESC
 LIMIT 200;

-- name: lock_deregistration_request(id)^
SELECT r.*, f.application_id, f.principal_id, e.name AS company_name
  FROM taxi_deregistration_requests r JOIN agency_filings f ON f.id = r.filing_id
  LEFT JOIN enterprises e ON e.id = f.enterprise_id
 WHERE r.id = :id
   FOR UPDATE OF r;

-- name: close_deregistration_request(id, status, note, now)^
UPDATE taxi_deregistration_requests SET status = :status, note = :note, decided_at = :now
 WHERE id = :id AND status = 'pending'
RETURNING *;

-- name: service_card(licence_id)^
-- F021: an electronic service card with the registration that issued it (the driver, the company).
SELECT l.id, l.number, l.status, l.valid_from, l.valid_until, l.revoked_at, l.revoked_reason, l.holder_id,
       f.id AS filing_id, f.principal_id, f.enterprise_id
  FROM licences l JOIN agency_filings f ON f.application_id = l.application_id AND f.kind = 'taxi'
 WHERE l.id = :licence_id AND l.type = 'taxi_service_card';

-- name: record_letter_seen(application_id, viewer_id, task_id)!
-- F145 "每次查看都留有记录": the approver's look at the 代办 authorisation letter (it carries both
-- people's names and signatures) is in the case's access log like a material's.
INSERT INTO case_views (application_id, viewer_id, via, task_id, what, material_code)
VALUES (:application_id, :viewer_id, 'task', :task_id, 'material', '授权委托书');

-- name: record_proof_seen(application_id, viewer_id)!
-- F145: staff's look at the driver's proof of termination, in the registration case's access log.
INSERT INTO case_views (application_id, viewer_id, via, what, material_code)
VALUES (:application_id, :viewer_id, 'case', 'material', '解除合同的证明');
