-- trusted_licences (content follows in this session)
SELECT 1;
