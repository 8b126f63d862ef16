-- site_check_escalation (content follows in this session)
SELECT 1;
