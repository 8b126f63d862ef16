-- Paper licences after the decision (tables deliveries, delivery_shipments): EMS, re-shipping (F130),
-- the applicant's changes (F128/F129). Pickups at a window: pickup.sql.

-- name: insert_delivery(application_id, method, address)^
INSERT INTO deliveries (application_id, method, address) VALUES (:application_id, :method, :address)
ON CONFLICT (application_id) DO NOTHING
RETURNING *;

-- name: service_visits(code)^
SELECT visit_steps FROM services WHERE code = :code;

-- name: deliveries(status, method, all_steps, steps, roles, viewer_id, after, lim, shown)
-- The deliveries of services whose last step (the one that ships, 一窗出件) the caller holds with a
-- role it needs (admins: all), and the record of this look at each shown one's name and address
-- (F145, migration 0133): a data-modifying CTE runs once whether or not the query reads it.
WITH found AS (
    SELECT d.*, a.public_no, a.applicant_id, a.form, s.name AS service_name, u.name AS applicant_name,
           u.company_name AS applicant_company
    FROM deliveries d
    JOIN applications a ON a.id = d.application_id
    JOIN services s ON s.code = a.service_code
    JOIN users u ON u.id = a.applicant_id
    JOIN LATERAL (SELECT st.step, st.role FROM service_steps st WHERE st.service_code = a.service_code
                  ORDER BY st.position DESC LIMIT 1) last ON true
    WHERE (:status::text IS NULL OR d.status = :status) AND (:method::text IS NULL OR d.method = :method)
      AND (:all_steps OR (last.step = ANY(:steps) AND last.role = ANY(:roles)))
      AND d.id > :after
    ORDER BY d.id
    LIMIT :lim
), seen AS (
    INSERT INTO case_views (application_id, viewer_id, via, delivery_id, what)
    SELECT f.application_id, :viewer_id::bigint, 'delivery', f.id, 'delivery'
    FROM (SELECT application_id, id FROM found ORDER BY id LIMIT :shown) f
)
SELECT * FROM found ORDER BY id;

-- name: get_delivery(id)^
-- With the step that ships it (the service's last step) and the role that step needs.
SELECT d.*, a.public_no, a.applicant_id, a.form, s.name AS service_name, u.name AS applicant_name,
       u.company_name AS applicant_company, last.step AS ship_step, last.role AS ship_role
FROM deliveries d
JOIN applications a ON a.id = d.application_id
JOIN services s ON s.code = a.service_code
JOIN users u ON u.id = a.applicant_id
LEFT JOIN LATERAL (SELECT st.step, st.role FROM service_steps st WHERE st.service_code = a.service_code
                   ORDER BY st.position DESC LIMIT 1) last ON true
WHERE d.id = :id;

-- name: ship(id, tracking_no, handled_by)^
UPDATE deliveries SET status = 'shipped', tracking_no = :tracking_no, handled_by = :handled_by, handled_at = now()
WHERE id = :id AND status = 'pending' AND method = 'express'
RETURNING *;

-- name: picked_up(id, handled_by, collected_by, proxy_name, proxy_id_number, proxy_letter_checked)^
UPDATE deliveries SET status = 'picked_up', handled_by = :handled_by, handled_at = now(),
       collected_by = :collected_by, proxy_name = :proxy_name, proxy_id_number = :proxy_id_number,
       proxy_letter_checked = :proxy_letter_checked
WHERE id = :id AND status = 'pending' AND method = 'pickup'
RETURNING *;

-- name: record_shipment(delivery_id, tracking_no, address, reason, shipped_by)^
-- NULL when the tracking number is already on another parcel.
INSERT INTO delivery_shipments (delivery_id, tracking_no, address, reason, shipped_by)
VALUES (:delivery_id, :tracking_no, :address, :reason, :shipped_by)
ON CONFLICT (tracking_no) DO NOTHING
RETURNING *;

-- name: shipments(delivery_id)
SELECT tracking_no, address, reason, shipped_at FROM delivery_shipments
WHERE delivery_id = :delivery_id ORDER BY id;

-- name: reship(id, tracking_no, address, handled_by)^
-- F130: a shipped licence lost or returned goes out again under a new number (to a corrected address).
UPDATE deliveries SET tracking_no = :tracking_no, address = coalesce(:address, address),
       handled_by = :handled_by, handled_at = now()
WHERE id = :id AND status = 'shipped' AND method = 'express' AND tracking_no <> :tracking_no
RETURNING *;

-- name: own_delivery(application_id)^
SELECT a.id AS application_id, a.applicant_id, a.status AS application_status, a.form, a.service_code,
       s.visit_steps, d.id, d.method, d.address, d.status, d.tracking_no, d.site_code, d.site_name,
       d.site_address, d.held_until, d.handled_at, d.lapsed_at, d.changed_at
FROM applications a
JOIN services s ON s.code = a.service_code
LEFT JOIN deliveries d ON d.application_id = a.id
WHERE a.id = :application_id;

-- name: change_to_express(id, address)^
-- F129: only before it is shipped (or collected); a pickup's window and hold are dropped.
UPDATE deliveries SET method = 'express', address = :address, site_code = NULL, site_name = NULL,
       site_address = NULL, held_until = NULL, address_asked_at = NULL, changed_at = now()
WHERE id = :id AND status = 'pending'
RETURNING *;

-- name: change_to_pickup(id, site_code, site_name, site_address, held_until)^
UPDATE deliveries SET method = 'pickup', address = NULL, site_code = :site_code, site_name = :site_name,
       site_address = :site_address, held_until = :held_until, lapsed_at = NULL, address_asked_at = NULL,
       changed_at = now()
WHERE id = :id AND status = 'pending'
RETURNING *;
