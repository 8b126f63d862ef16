-- subject_bookings_ratings_complaints (content follows in this session)
SELECT 1;
