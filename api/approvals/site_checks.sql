-- F071 on-site checks after 一类/二类 repair filings (service/site_checks.py; table: migration 0197).

-- name: schedule_new()
-- Every approved class-1/2 repair filing without a check gets one, due 30 days after its decision.
INSERT INTO site_checks (application_id, category, due_on)
SELECT a.id, a.answers->>'category', (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date + 30
FROM applications a
WHERE a.service_code = 'repair-filing' AND a.status = 'approved' AND a.answers->>'category' IN ('class1', 'class2')
  AND NOT EXISTS (SELECT 1 FROM site_checks c WHERE c.application_id = a.id)
ON CONFLICT (application_id) DO NOTHING
RETURNING id, application_id;

-- name: open_checks(today)
SELECT c.*, a.public_no, a.form->>'companyName' AS company_name, a.form->>'siteAddress' AS site_address
FROM site_checks c JOIN applications a ON a.id = c.application_id
WHERE c.status IN ('scheduled', 'agreed')
ORDER BY c.due_on < :today DESC, c.due_on, c.id LIMIT 500;

-- name: get_check(id)^
SELECT c.*, a.public_no, a.applicant_id, a.form->>'companyName' AS company_name,
       a.form->>'siteAddress' AS site_address
FROM site_checks c JOIN applications a ON a.id = c.application_id
WHERE c.id = :id;

-- name: checks_of_case(application_id)
SELECT c.*, a.public_no, a.form->>'companyName' AS company_name, a.form->>'siteAddress' AS site_address
FROM site_checks c JOIN applications a ON a.id = c.application_id
WHERE c.application_id = :application_id ORDER BY c.id;

-- name: agree(id, visit_at, visit_address, agreed_by)^
UPDATE site_checks SET visit_at = :visit_at, visit_address = :visit_address, agreed_by = :agreed_by,
       status = 'agreed'
WHERE id = :id AND status IN ('scheduled', 'agreed')
RETURNING id;

-- name: record_result(id, status, result_by, result_at, result_note, notice_items)^
UPDATE site_checks SET status = :status, result_by = :result_by, result_at = :result_at,
       result_note = :result_note, notice_items = :notice_items,
       notice_sent_at = CASE WHEN :status::text = 'failed' THEN :result_at::timestamptz END
WHERE id = :id AND status = 'agreed'
RETURNING id;

-- name: overdue_checks(today)
-- Open checks past their 30 days, not yet escalated (escalated once: jobs/rights.py).
SELECT c.id, c.application_id, c.due_on, a.public_no, a.service_code FROM site_checks c
JOIN applications a ON a.id = c.application_id
WHERE c.status IN ('scheduled', 'agreed') AND c.due_on < :today AND c.escalated_at IS NULL ORDER BY c.id;

-- name: mark_escalated(id, at)^
UPDATE site_checks SET escalated_at = :at WHERE id = :id AND escalated_at IS NULL AND status IN ('scheduled', 'agreed')
RETURNING id;

-- name: leads(service_code)
SELECT DISTINCT u.id FROM users u JOIN service_steps s ON s.step = ANY(u.steps)
WHERE s.service_code = :service_code AND NOT u.disabled AND 'lead' = ANY(u.roles) ORDER BY u.id;
