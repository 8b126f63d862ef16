-- Named queries of bench/booking_rush.py (set-up and the after-the-rush audit).

-- name: make_users(prefix, n)
INSERT INTO users (openid)
SELECT :prefix || '-' || g FROM generate_series(1, :n::int) AS g
RETURNING id;

-- name: site_id(code)$
SELECT id FROM appt_sites WHERE code = :code;

-- name: rush_slots(service_code, day, n)
SELECT id, capacity FROM appt_slots WHERE service_code = :service_code AND day = :day
ORDER BY starts_at LIMIT :n::int;

-- name: set_capacity(id, capacity)!
UPDATE appt_slots SET capacity = :capacity WHERE id = :id;

-- name: audit(ids)
-- Per slot: capacity, the counter, and the bookings that really exist.
SELECT s.id, s.capacity, s.seats_taken,
       (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = 'booked')::int AS booked
FROM appt_slots s WHERE s.id = ANY(:ids::bigint[]) ORDER BY s.id;

-- name: duplicate_bookers(service_code)$
SELECT count(*)::int FROM (
    SELECT user_id FROM appointments WHERE service_code = :service_code AND status = 'booked'
    GROUP BY user_id HAVING count(*) > 1
) AS d;
