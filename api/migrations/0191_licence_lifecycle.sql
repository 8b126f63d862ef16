-- licence_lifecycle (content follows in this session)
SELECT 1;
