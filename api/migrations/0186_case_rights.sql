-- case_rights (content follows in this session)
SELECT 1;
