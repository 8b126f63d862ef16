-- The licence library (table licences): issuing, replacing, revoking, reading.

-- name: insert_licence(holder_id, type, name, number, valid_from, valid_until, application_id, data, subject, issued_at)^
-- :issued_at is the app's clock (NULL: the database's)
INSERT INTO licences (holder_id, type, name, number, valid_from, valid_until, application_id, data, subject, issued_at)
VALUES (:holder_id, :type, :name, :number, :valid_from, :valid_until, :application_id, :data, :subject,
        coalesce(:issued_at, now()))
ON CONFLICT (application_id, type) DO NOTHING
RETURNING *;

-- name: revoke_licences(holder_id, enterprise_id, type, subjects, numbers, application_id, reason, today, at)
-- The holder's licences of this type about one of these subjects (or with one of these numbers)
-- stop being valid, except those this application issued itself. One already past its end date
-- is marked expired instead: it lapsed, nobody cancelled it. :at is the app's clock (NULL: the database's).
UPDATE licences SET
    status = CASE WHEN valid_until < :today THEN 'expired' ELSE 'revoked' END,
    revoked_at = CASE WHEN valid_until < :today THEN NULL ELSE coalesce(:at::timestamptz, now()) END,
    revoked_reason = CASE WHEN valid_until < :today THEN NULL ELSE :reason END,
    revoked_by_application_id = CASE WHEN valid_until < :today THEN NULL ELSE :application_id::bigint END
WHERE type = :type AND status = 'valid'
  -- the subject's library (issue 20): the enterprise's, or the person's own
  AND (CASE WHEN :enterprise_id::bigint IS NULL THEN holder_id = :holder_id AND enterprise_id IS NULL
            ELSE enterprise_id = :enterprise_id END)
  AND (subject = ANY(:subjects) OR number = ANY(:numbers))
  AND application_id IS DISTINCT FROM :application_id
RETURNING id, number, name, status, valid_from, valid_until;

-- name: link_replacement(ids, replaced_by)!
UPDATE licences SET replaced_by = :replaced_by WHERE id = ANY(:ids) AND status = 'revoked';

-- name: licences_of_application(application_id)
SELECT * FROM licences WHERE application_id = :application_id ORDER BY id;

-- name: licences_of_holder(holder_id)
SELECT * FROM licences WHERE holder_id = :holder_id AND enterprise_id IS NULL ORDER BY issued_at DESC, id DESC;

-- name: licences_of_enterprise(enterprise_id)
-- The enterprise's library (issue 20): every licence issued to its cases, whoever filed them.
SELECT * FROM licences WHERE enterprise_id = :enterprise_id ORDER BY issued_at DESC, id DESC;

-- name: set_licence_enterprise(id, enterprise_id)!
UPDATE licences SET enterprise_id = :enterprise_id WHERE id = :id;

-- name: lock_licence_subject(key)!
-- Two approvals about one subject (the same car, ship or driver) at once: the second waits, then
-- sees and replaces the first's new licence instead of failing on the one-valid-licence index.
SELECT pg_advisory_xact_lock(hashtextextended(:key, 0));

-- name: licence_of_application(application_id, type)^
SELECT id FROM licences WHERE application_id = :application_id AND type = :type;
