-- enterprises (content follows in this session)
SELECT 1;
