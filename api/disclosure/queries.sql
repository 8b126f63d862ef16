-- name: set_disclosure_defaults(disclosed, individual)!
-- Fills only what nobody has decided yet: an admin's choice is never overwritten by `zsb seed`.
UPDATE services SET
    disclose = coalesce(disclose, code = ANY(:disclosed)),
    holder_kind = coalesce(holder_kind, CASE WHEN code = ANY(:individual) THEN 'individual' ELSE 'company' END)
WHERE disclose IS NULL OR holder_kind IS NULL;

-- name: company_decisions(date_from, date_to, service_code, today, limit, offset)
-- Granted permits held by companies, published by name. A licence belongs to the (non-bundle)
-- service issuing its type; a service not yet decided (NULL) is not published, and a holder
-- without a company name is never listed by name (it only counts in the figures below).
WITH published AS (
    -- the service issuing each licence type (the shipped catalogue has one per type), if published
    SELECT DISTINCT ON (licence_type) licence_type, code, name, holder_kind FROM services
    WHERE licence_type IS NOT NULL AND NOT is_bundle AND disclose
    ORDER BY licence_type, code
)
SELECT s.code AS service_code, s.name AS service_name, e.name AS holder, l.name AS licence_name,
       l.number AS licence_number, (l.issued_at AT TIME ZONE 'Asia/Shanghai')::date AS decided_on,
       l.valid_from, l.valid_until,
       CASE WHEN l.status = 'revoked' THEN 'revoked'
            WHEN l.status = 'expired' OR l.valid_until < :today THEN 'expired'
            ELSE 'valid' END AS status
FROM licences l
JOIN published s ON s.licence_type = l.type
-- the holder is a verified enterprise (issue 20): its registered name, never one typed into a form
JOIN enterprises e ON e.id = l.enterprise_id
WHERE s.holder_kind = 'company' AND e.status = 'verified'
  -- a range on issued_at itself, so the index serves it (business days are Asia/Shanghai)
  AND l.issued_at >= (:date_from::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND l.issued_at < (:date_to::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND (:service_code::text IS NULL OR s.code = :service_code)
ORDER BY l.issued_at DESC, l.id DESC
LIMIT :limit OFFSET :offset;

-- name: individual_figures(date_from, date_to, service_code)
-- Permits held by people: counts only, nothing that could name anyone.
WITH published AS (
    -- the service issuing each licence type (the shipped catalogue has one per type), if published
    SELECT DISTINCT ON (licence_type) licence_type, code, name, holder_kind FROM services
    WHERE licence_type IS NOT NULL AND NOT is_bundle AND disclose
    ORDER BY licence_type, code
)
SELECT s.code AS service_code, s.name AS service_name, count(*) AS granted,
       count(*) FILTER (WHERE l.status = 'revoked') AS revoked
FROM licences l
JOIN published s ON s.licence_type = l.type
WHERE (coalesce(s.holder_kind, 'individual') = 'individual' OR l.enterprise_id IS NULL)
  -- a range on issued_at itself, so the index serves it (business days are Asia/Shanghai)
  AND l.issued_at >= (:date_from::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND l.issued_at < (:date_to::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND (:service_code::text IS NULL OR s.code = :service_code)
GROUP BY s.code, s.name
ORDER BY s.code;

-- name: disclosed_service(code)^
SELECT code FROM services WHERE code = :code AND disclose;

-- name: licence_for_check(id)^
SELECT l.id, l.holder_id, l.enterprise_id, l.type, l.name, l.number, l.valid_from, l.valid_until, l.status,
       l.issued_at, l.revoked_at, u.name AS holder_name, e.name AS company_name,
       (SELECT holder_kind FROM services WHERE licence_type = l.type AND NOT is_bundle
        ORDER BY (code = l.data->>'serviceCode') DESC, code LIMIT 1) AS holder_kind
FROM licences l JOIN users u ON u.id = l.holder_id
LEFT JOIN enterprises e ON e.id = l.enterprise_id AND e.status = 'verified'
WHERE l.id = :id;
