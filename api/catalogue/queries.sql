-- name: upsert_service(code, name, department, kind, is_bundle, legal_days, promised_days, fee, zero_trip, visit_steps, licence_type, licence_name, auto_decide, spec, active, search_text)^
INSERT INTO services (code, name, department, kind, is_bundle, legal_days, promised_days, fee, zero_trip,
                      visit_steps, licence_type, licence_name, auto_decide, spec, active, search_text)
VALUES (:code, :name, :department, :kind, :is_bundle, :legal_days, :promised_days, :fee, :zero_trip,
        :visit_steps, :licence_type, :licence_name, :auto_decide, :spec, :active, :search_text)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, department = EXCLUDED.department, kind = EXCLUDED.kind,
    is_bundle = EXCLUDED.is_bundle, legal_days = EXCLUDED.legal_days, promised_days = EXCLUDED.promised_days,
    fee = EXCLUDED.fee, zero_trip = EXCLUDED.zero_trip, visit_steps = EXCLUDED.visit_steps,
    licence_type = EXCLUDED.licence_type, licence_name = EXCLUDED.licence_name,
    auto_decide = EXCLUDED.auto_decide, spec = EXCLUDED.spec, active = EXCLUDED.active,
    search_text = EXCLUDED.search_text, updated_at = now()
WHERE (services.name, services.department, services.kind, services.is_bundle, services.legal_days,
       services.promised_days, services.fee, services.zero_trip, services.visit_steps, services.licence_type,
       services.licence_name, services.auto_decide, services.spec, services.active)
   IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.department, EXCLUDED.kind, EXCLUDED.is_bundle, EXCLUDED.legal_days,
       EXCLUDED.promised_days, EXCLUDED.fee, EXCLUDED.zero_trip, EXCLUDED.visit_steps, EXCLUDED.licence_type,
       EXCLUDED.licence_name, EXCLUDED.auto_decide, EXCLUDED.spec, EXCLUDED.active)
RETURNING code;

-- name: delete_members(code)!
DELETE FROM bundle_members WHERE bundle_code = :code;

-- name: insert_member(bundle_code, member_code, position)!
INSERT INTO bundle_members (bundle_code, member_code, position) VALUES (:bundle_code, :member_code, :position);

-- name: delete_steps(code)!
DELETE FROM service_steps WHERE service_code = :code;

-- name: insert_step(service_code, position, step, role, name)!
INSERT INTO service_steps (service_code, position, step, role, name)
VALUES (:service_code, :position, :step, :role, :name);

-- name: get_service(code)^
SELECT * FROM services WHERE code = :code;

-- name: get_active_services(codes)
SELECT * FROM services WHERE code = ANY(:codes) AND active;

-- name: search_services(q)
-- Chinese names have no spaces to split on: a substring match on name and department is what
-- people expect from "出租" or "运输证", and the catalogue is a few dozen rows.
SELECT code, name, department, kind, is_bundle, legal_days, promised_days, zero_trip, fee
FROM services
WHERE active AND (:q::text IS NULL OR search_text ILIKE '%' || :q::text || '%')
ORDER BY is_bundle, name;

-- name: get_steps(code)
SELECT position, step, role, name FROM service_steps WHERE service_code = :code ORDER BY position;

-- name: valid_licences(holder_id, enterprise_id, today)
-- The subject's library: the person's own licences, or (acting for it) the enterprise's.
SELECT id, type, name, number, valid_until, source, coalesce(subject, data->>'subject') AS subject, data
FROM licences
WHERE (CASE WHEN :enterprise_id::bigint IS NULL THEN holder_id = :holder_id AND enterprise_id IS NULL
            ELSE enterprise_id = :enterprise_id END)
  AND status = 'valid' AND valid_from <= :today
  AND (valid_until IS NULL OR valid_until >= :today)
ORDER BY issued_at DESC, id DESC;

-- name: get_profile(id)^
SELECT u.id, u.name, u.phone, u.id_number, u.company_name, u.credit_code, a.address
FROM users u LEFT JOIN user_addresses a ON a.user_id = u.id WHERE u.id = :id;

-- name: recent_forms(applicant_id)
SELECT form FROM applications WHERE applicant_id = :applicant_id AND form <> '{}'::jsonb
ORDER BY id DESC LIMIT 20;

-- name: all_specs()
SELECT spec FROM services ORDER BY code;

-- name: visit_names(code)
-- the names of a service's visits (``visits`` of its spec), in the order the spec lists them
SELECT v.value->>'kind' AS kind, v.value->>'name' AS name
FROM services s CROSS JOIN LATERAL jsonb_array_elements(coalesce(s.spec->'visits', '[]'::jsonb)) WITH ORDINALITY v
WHERE s.code = :code
ORDER BY v.ordinality;
