-- Sites and their opening schedules as admins edit them (api/appointments/service/sites.py).

-- name: get_site(id)^
SELECT id, code, name, kind, address, phone FROM appt_sites WHERE id = :id AND active;

-- name: update_site(id, name, address, phone)^
UPDATE appt_sites SET name = :name, address = :address, phone = :phone WHERE id = :id AND active RETURNING id;

-- name: site_services(site_id)
SELECT service_code, kind FROM appt_site_services WHERE site_id = :site_id ORDER BY service_code;

-- name: schedules(site_id)
SELECT id, service_code, opens_at, closes_at, slot_minutes, capacity FROM appt_schedules
WHERE site_id = :site_id ORDER BY service_code, opens_at;

-- name: add_schedule(site_id, service_code, opens_at, closes_at, slot_minutes, capacity)^
INSERT INTO appt_schedules (site_id, service_code, opens_at, closes_at, slot_minutes, capacity)
SELECT :site_id, :service_code, :opens_at, :closes_at, :slot_minutes, :capacity
WHERE EXISTS (SELECT 1 FROM appt_site_services WHERE site_id = :site_id AND service_code = :service_code)
ON CONFLICT (site_id, service_code, opens_at) DO NOTHING
RETURNING id;

-- name: update_schedule(id, site_id, opens_at, closes_at, slot_minutes, capacity)^
UPDATE appt_schedules SET opens_at = :opens_at, closes_at = :closes_at, slot_minutes = :slot_minutes,
       capacity = :capacity
WHERE id = :id AND site_id = :site_id RETURNING id;

-- name: delete_schedule(id, site_id)^
DELETE FROM appt_schedules WHERE id = :id AND site_id = :site_id RETURNING id;
