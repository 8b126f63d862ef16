-- F131 窗口自取: the window, the 30-day hold, who collected, and the lapse to express.

-- name: site_by_code(code)^
-- appt_sites belongs to the appointments area (migration 0109); read here, never referenced by a key.
SELECT code, name, address FROM appt_sites WHERE code = :code AND active;

-- name: site_of_service(service_code)^
-- A service whose guide says the licence is collected (visit_steps 'pickup') waits at the first
-- active site that serves it (e.g. the inspection station's window).
SELECT s.code, s.name, s.address
FROM appt_sites s JOIN appt_site_services ss ON ss.site_id = s.id
WHERE ss.service_code = :service_code AND s.active
ORDER BY s.id
LIMIT 1;

-- name: insert_pickup(application_id, site_code, site_name, site_address, held_until)^
INSERT INTO deliveries (application_id, method, site_code, site_name, site_address, held_until)
VALUES (:application_id, 'pickup', :site_code, :site_name, :site_address, :held_until)
ON CONFLICT (application_id) DO NOTHING
RETURNING *;

-- name: lapsed_pickups(today)
-- Past the last day at the window and still there: switch (when the account has an address), or
-- ask once for one. A pickup already asked is looked at again only once an address exists.
SELECT d.id
FROM deliveries d
JOIN applications a ON a.id = d.application_id
WHERE d.status = 'pending' AND d.method = 'pickup' AND d.held_until < :today
  AND (d.address_asked_at IS NULL
       OR EXISTS (SELECT 1 FROM user_addresses ua WHERE ua.user_id = a.applicant_id))
ORDER BY d.id;

-- name: lock_pickup(id)^
SELECT d.*, a.public_no, a.applicant_id, s.name AS service_name
FROM deliveries d
JOIN applications a ON a.id = d.application_id
JOIN services s ON s.code = a.service_code
WHERE d.id = :id
FOR UPDATE OF d;

-- name: switch_to_express(id, address, today)^
UPDATE deliveries SET method = 'express', address = :address, lapsed_at = now()
WHERE id = :id AND status = 'pending' AND method = 'pickup' AND held_until < :today
RETURNING *;

-- name: mark_address_asked(id)^
UPDATE deliveries SET address_asked_at = now()
WHERE id = :id AND status = 'pending' AND method = 'pickup' AND address_asked_at IS NULL
RETURNING *;

-- name: letter_case(id)^
SELECT a.id, a.applicant_id, a.public_no, a.status, a.form, s.name AS service_name, s.visit_steps,
       u.name AS applicant_name, u.company_name AS applicant_company,
       d.method AS delivery_method, d.site_name, d.site_address, d.held_until
FROM applications a
JOIN services s ON s.code = a.service_code
JOIN users u ON u.id = a.applicant_id
LEFT JOIN deliveries d ON d.application_id = a.id
WHERE a.id = :id;
