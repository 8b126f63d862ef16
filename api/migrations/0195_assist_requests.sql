-- assist_requests (content follows in this session)
SELECT 1;
