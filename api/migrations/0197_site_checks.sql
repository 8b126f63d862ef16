-- site_checks (content follows in this session)
SELECT 1;
