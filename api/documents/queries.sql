-- Signed documents (table documents, migration 0187): requested in the deciding transaction,
-- rendered and signed by a job.

-- name: request_licence_document(licence_id, owner_id, reason)<!
INSERT INTO documents (ref, kind, licence_id, owner_id, version, reason)
SELECT 'licence:' || :licence_id || ':v' || n.v, 'licence', :licence_id, :owner_id, n.v, :reason
FROM (SELECT coalesce(max(version), 0) + 1 AS v FROM documents WHERE licence_id = :licence_id) n
RETURNING id;

-- name: request_letter(ref, kind, application_id, owner_id, params)<!
-- One letter per refusal or gap notice: asking again (a retried request) returns the same one.
WITH made AS (
    INSERT INTO documents (ref, kind, application_id, owner_id, params)
    VALUES (:ref, :kind, :application_id, :owner_id, :params)
    ON CONFLICT (ref) DO NOTHING
    RETURNING id
)
SELECT id FROM made UNION ALL SELECT id FROM documents WHERE ref = :ref LIMIT 1;

-- name: pending_documents(lim)
SELECT id FROM documents WHERE status = 'pending' ORDER BY id LIMIT :lim;

-- name: document_to_render(id)^
SELECT d.id, d.kind, d.licence_id, d.application_id, d.owner_id, d.version, d.reason, d.params, d.status,
       d.created_at
FROM documents d WHERE d.id = :id;

-- name: licence_for_document(id)^
SELECT l.id, l.holder_id, l.enterprise_id, l.type, l.name, l.number, l.valid_from, l.valid_until, l.status,
       l.issued_at, l.application_id, l.subject, a.form, a.service_code, a.public_no
FROM licences l LEFT JOIN applications a ON a.id = l.application_id
WHERE l.id = :id;

-- name: store_rendered(id, content, pdf, sha256)^
UPDATE documents SET status = 'ready', content = :content, pdf = :pdf, sha256 = :sha256, rendered_at = now()
WHERE id = :id AND status = 'pending'
RETURNING id;

-- name: licence_documents(licence_id)
SELECT id, kind, licence_id, application_id, version, reason, status, sha256, created_at, rendered_at
FROM documents WHERE licence_id = :licence_id ORDER BY version DESC;

-- name: application_documents(application_id)
SELECT id, kind, licence_id, application_id, version, reason, status, sha256, created_at, rendered_at
FROM documents WHERE application_id = :application_id ORDER BY id;

-- name: document_file(id)^
SELECT d.id, d.kind, d.owner_id, d.status, d.pdf, d.licence_id, d.version, l.number AS licence_number,
       d.application_id
FROM documents d LEFT JOIN licences l ON l.id = d.licence_id
WHERE d.id = :id;

-- name: licence_owner(id)^
SELECT id, holder_id, enterprise_id, application_id FROM licences WHERE id = :id;

-- name: application_owner(id)^
SELECT id, applicant_id FROM applications WHERE id = :id;

-- name: case_documents(application_id)
-- A case's letters and every version of the licences it issued (the console's print page).
SELECT d.id, d.kind, d.licence_id, coalesce(d.application_id, l.application_id) AS application_id, d.version,
       d.reason, d.status, d.sha256, d.created_at, d.rendered_at, l.name AS licence_name, l.number AS licence_number,
       l.type AS licence_type
FROM documents d LEFT JOIN licences l ON l.id = d.licence_id
WHERE d.application_id = :application_id OR l.application_id = :application_id
ORDER BY d.kind, d.licence_id, d.version DESC, d.id;
