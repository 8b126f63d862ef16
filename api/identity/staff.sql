-- Window verification and document review by staff (issue 19, F090). The identity rows are the
-- domain's own (migration 0184); the photo, the review and the deadline marks are 0085's.

-- name: account_of(user_id, phone)^
-- The account a window verification is for, named by id or by its (bound) phone.
SELECT id, phone FROM users
WHERE NOT disabled AND (id = :user_id OR (:phone::text IS NOT NULL AND phone = :phone));

-- name: phone_of(user_id)$
SELECT phone FROM users WHERE id = :user_id;

-- name: verified_hash_of(user_id)$
SELECT id_hash FROM identities WHERE user_id = :user_id AND status = 'verified';

-- name: pending_of(user_id)$
SELECT id FROM identities WHERE user_id = :user_id AND status = 'pending';

-- name: insert_pending(user_id, name, id_type, id_cipher, id_key_id, id_hash, id_masked, due_on, evidence, now)^
INSERT INTO identities (user_id, status, method, name, id_type, id_cipher, id_key_id, id_hash, id_masked,
                        evidence, due_on, created_at, updated_at)
VALUES (:user_id, 'pending', 'document', :name, :id_type, :id_cipher, :id_key_id, :id_hash, :id_masked,
        :evidence, :due_on, :now, :now)
RETURNING id, status, id_type, id_masked, due_on, created_at;

-- name: insert_document(identity_id, storage_key, content_type, size_bytes, sha256, now)!
INSERT INTO identity_documents (identity_id, storage_key, content_type, size_bytes, sha256, created_at)
VALUES (:identity_id, :storage_key, :content_type, :size_bytes, :sha256, :now);

-- name: documents(status)
-- Staff's list: masked numbers only (the detail view reveals, and logs).
SELECT i.id, i.user_id, i.status, i.name, i.id_type, i.id_masked, i.due_on, i.created_at,
       d.reviewed_at, d.refusal_reason, d.overdue_at IS NOT NULL AS overdue
FROM identities i JOIN identity_documents d ON d.identity_id = i.id
WHERE i.status = :status
ORDER BY i.due_on, i.id
LIMIT 200;

-- name: documents_of(user_id)
-- The person's own uploads, newest first: the number masked, a refusal's reason shown.
SELECT i.id, i.user_id, i.status, i.name, i.id_type, i.id_masked, i.due_on, i.created_at,
       d.reviewed_at, d.refusal_reason, d.overdue_at IS NOT NULL AS overdue
FROM identities i JOIN identity_documents d ON d.identity_id = i.id
WHERE i.user_id = :user_id
ORDER BY i.id DESC
LIMIT 20;

-- name: document(id)^
SELECT i.id, i.user_id, i.status, i.name, i.id_type, i.id_masked, i.id_hash, i.id_cipher, i.id_key_id, i.due_on,
       i.created_at, i.verified_by, i.verified_at, d.storage_key, d.content_type, d.reviewed_by, d.reviewed_at,
       d.refusal_reason, d.overdue_at IS NOT NULL AS overdue, u.phone
FROM identities i JOIN identity_documents d ON d.identity_id = i.id JOIN users u ON u.id = i.user_id
WHERE i.id = :id;

-- name: record_view(identity_id, viewer_id, what, id_number_shown)!
INSERT INTO identity_views (identity_id, viewer_id, what, id_number_shown)
VALUES (:identity_id, :viewer_id, :what, :id_number_shown);

-- name: views_of(identity_id)
SELECT viewer_id, viewed_at, what, id_number_shown FROM identity_views WHERE identity_id = :identity_id ORDER BY id;

-- name: approve(id, staff_id, now, evidence)^
-- Pending -> verified in place: the partial unique indexes of 0084 refuse a person verified elsewhere.
UPDATE identities
SET status = 'verified', verified_by = :staff_id, verified_at = :now, updated_at = :now,
    evidence = evidence || :evidence
WHERE id = :id AND status = 'pending' AND method = 'document'
RETURNING id, user_id, status, method, name, id_type, id_masked, id_hash, verified_at, verified_by;

-- name: refuse(id, now)^
UPDATE identities SET status = 'refused', updated_at = :now
WHERE id = :id AND status = 'pending' AND method = 'document'
RETURNING id, user_id, id_type;

-- name: mark_reviewed(identity_id, staff_id, now, reason)!
UPDATE identity_documents SET reviewed_by = :staff_id, reviewed_at = :now, refusal_reason = :reason
WHERE identity_id = :identity_id;

-- name: due_for_reminder(today)
SELECT i.id FROM identities i JOIN identity_documents d ON d.identity_id = i.id
WHERE i.status = 'pending' AND i.due_on = :today AND d.reminded_on IS NULL ORDER BY i.id;

-- name: mark_reminded(id, today)^
-- Once per document: the first run's update wins, a second finds reminded_on set.
UPDATE identity_documents d SET reminded_on = :today
FROM identities i
WHERE d.identity_id = :id AND i.id = d.identity_id AND i.status = 'pending' AND d.reminded_on IS NULL
RETURNING i.id, i.due_on;

-- name: due_for_escalation(today)
SELECT i.id FROM identities i JOIN identity_documents d ON d.identity_id = i.id
WHERE i.status = 'pending' AND i.due_on < :today AND d.overdue_at IS NULL ORDER BY i.id;

-- name: mark_overdue(id, now)^
UPDATE identity_documents d SET overdue_at = :now
FROM identities i
WHERE d.identity_id = :id AND i.id = d.identity_id AND i.status = 'pending' AND d.overdue_at IS NULL
RETURNING i.id, i.due_on;

-- name: reviewers()
-- Who reviews documents: approvers (the window and the review are theirs), admins when there are none.
SELECT id FROM users
WHERE NOT disabled AND (roles @> ARRAY['approver']::text[]
      OR (roles @> ARRAY['admin']::text[]
          AND NOT EXISTS (SELECT 1 FROM users a WHERE NOT a.disabled AND a.roles @> ARRAY['approver']::text[])))
ORDER BY id;

-- name: leads()
-- Who an overdue review is escalated to: the bureau's leads, or its admins when it has none.
SELECT id FROM users
WHERE NOT disabled AND (roles @> ARRAY['lead']::text[]
      OR (roles @> ARRAY['admin']::text[]
          AND NOT EXISTS (SELECT 1 FROM users l WHERE NOT l.disabled AND l.roles @> ARRAY['lead']::text[])))
ORDER BY id;
