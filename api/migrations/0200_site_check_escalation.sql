-- F071: a repair filing's on-site check not done within its 30 days is escalated once to the leads of
-- the service's steps (jobs/rights.py → api/approvals/service/site_checks.py escalate_overdue).
ALTER TABLE site_checks ADD COLUMN escalated_at timestamptz;
