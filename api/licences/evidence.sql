-- Issue 21: what an issued licence rested on (api/licences/evidence.py).

-- name: evidence_materials(application_id)
SELECT m.material_code, m.name, m.required, m.exempt_licence_id, m.exempt_reason, m.sha256, m.storage_key,
       l.source, l.identifier, l.number
FROM application_materials m LEFT JOIN licences l ON l.id = m.exempt_licence_id
WHERE m.application_id = :application_id
ORDER BY m.material_code;

-- name: evidence_checks(application_id)
SELECT c.code, c.outcome FROM application_review_checks c
WHERE c.review_id = (SELECT r.id FROM application_reviews r WHERE r.application_id = :application_id
                     ORDER BY r.id DESC LIMIT 1)
ORDER BY c.code;

-- name: set_evidence(id, evidence)!
UPDATE licences SET evidence = :evidence WHERE id = :id;
