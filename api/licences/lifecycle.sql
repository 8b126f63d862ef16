-- A licence's life after issue (api/licences/service/lifecycle.py): which licence a lifecycle case
-- acts on, the checks before it is filed, and staff voiding (作废).

-- name: lock_licence(id)^
SELECT * FROM licences WHERE id = :id FOR UPDATE;

-- name: licence_by_id(id)^
SELECT * FROM licences WHERE id = :id;

-- name: attach_action(application_id, licence_id, kind)!
INSERT INTO licence_actions (application_id, licence_id, kind) VALUES (:application_id, :licence_id, :kind)
ON CONFLICT (application_id) DO NOTHING;

-- name: action_of(application_id)^
SELECT application_id, licence_id, kind FROM licence_actions WHERE application_id = :application_id;

-- name: case_subject(application_id)^
-- the draft a withdrawn case was saved as names its original; an enterprise's case its library
SELECT copied_from, enterprise_id FROM applications WHERE id = :application_id;

-- name: open_action(licence_id, except_id)^
-- Another filed case still open that acts on the same licence (a draft blocks nothing).
SELECT a.id, a.public_no FROM licence_actions x JOIN applications a ON a.id = x.application_id
WHERE x.licence_id = :licence_id AND a.id IS DISTINCT FROM :except_id::bigint
  AND a.status NOT IN ('draft', 'approved', 'rejected', 'withdrawn', 'closed')
LIMIT 1;

-- name: void_licence(id, reason, staff_id, at)^
-- :at is the app's clock
UPDATE licences SET status = 'revoked', revoked_at = :at, revoked_reason = :reason, revoked_by = :staff_id
WHERE id = :id AND status = 'valid'
RETURNING *;

-- name: renewal_service(licence_type)$
-- The service a holder renews a licence of this type with: its lifecycle renewal, else the
-- service issuing the type that is itself a renewal (船舶营运证换证: a renew_window rule).
SELECT code FROM services
WHERE active AND NOT is_bundle
  AND (spec->'lifecycle'->>'licenceType' = :licence_type AND spec->'lifecycle'->>'kind' = 'renew'
       OR licence_type = :licence_type AND spec->'rules' @> '[{"kind": "renew_window"}]')
ORDER BY (spec->'lifecycle' IS NOT NULL) DESC, code
LIMIT 1;
