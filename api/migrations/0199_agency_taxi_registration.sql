-- agency_taxi_registration (content follows in this session)
SELECT 1;
