-- Issue 21: trusted licence sources (api/licences/sources/): the bureau's import store and the
-- library's mirror of what the sources said.

-- name: imported_for(holder_key, types)
SELECT * FROM imported_licences WHERE holder_key = :holder_key AND type = ANY(:types) ORDER BY identifier;

-- name: upsert_imported(identifier, type, type_code, name, number, holder_name, holder_id_type, holder_key, holder_id_masked, issuer, issued_on, valid_from, valid_until, status, subject, data)^
-- Idempotent by identifier: importing the same row again changes nothing; a changed row updates.
INSERT INTO imported_licences (identifier, type, type_code, name, number, holder_name, holder_id_type, holder_key,
                               holder_id_masked, issuer, issued_on, valid_from, valid_until, status, subject, data)
VALUES (:identifier, :type, :type_code, :name, :number, :holder_name, :holder_id_type, :holder_key,
        :holder_id_masked, :issuer, :issued_on, :valid_from, :valid_until, :status, :subject, :data)
ON CONFLICT (identifier) DO UPDATE
SET type = EXCLUDED.type, type_code = EXCLUDED.type_code, name = EXCLUDED.name, number = EXCLUDED.number,
    holder_name = EXCLUDED.holder_name, holder_id_type = EXCLUDED.holder_id_type, holder_key = EXCLUDED.holder_key,
    holder_id_masked = EXCLUDED.holder_id_masked, issuer = EXCLUDED.issuer, issued_on = EXCLUDED.issued_on,
    valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, status = EXCLUDED.status,
    subject = EXCLUDED.subject, data = EXCLUDED.data, updated_at = now()
WHERE (imported_licences.type, imported_licences.name, imported_licences.number, imported_licences.holder_key,
       imported_licences.issuer, imported_licences.issued_on, imported_licences.valid_from,
       imported_licences.valid_until, imported_licences.status, imported_licences.subject, imported_licences.data)
      IS DISTINCT FROM
      (EXCLUDED.type, EXCLUDED.name, EXCLUDED.number, EXCLUDED.holder_key, EXCLUDED.issuer, EXCLUDED.issued_on,
       EXCLUDED.valid_from, EXCLUDED.valid_until, EXCLUDED.status, EXCLUDED.subject, EXCLUDED.data)
RETURNING (xmax = 0) AS inserted;

-- name: mirror_licence(holder_id, enterprise_id, source, identifier, type, name, number, valid_from, valid_until, status, data, fetched_at)$
-- One library row per source and identifier, in the library of the subject it was fetched for (the
-- person's, or the enterprise's: enterprise_id; holder_id is then the account that asked).
INSERT INTO licences (holder_id, enterprise_id, source, identifier, type, name, number, valid_from, valid_until,
                      status, data, fetched_at)
VALUES (:holder_id, :enterprise_id, :source, :identifier, :type, :name, :number, :valid_from, :valid_until,
        :status, :data, :fetched_at)
ON CONFLICT (source, identifier) WHERE identifier IS NOT NULL DO UPDATE
SET name = EXCLUDED.name, number = EXCLUDED.number, valid_from = EXCLUDED.valid_from,
    valid_until = EXCLUDED.valid_until, status = EXCLUDED.status, data = EXCLUDED.data,
    fetched_at = EXCLUDED.fetched_at
WHERE licences.enterprise_id IS NOT DISTINCT FROM EXCLUDED.enterprise_id
  AND (EXCLUDED.enterprise_id IS NOT NULL OR licences.holder_id = EXCLUDED.holder_id)
  AND (licences.name, licences.number, licences.valid_from, licences.valid_until, licences.status, licences.data)
      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.number, EXCLUDED.valid_from, EXCLUDED.valid_until,
                        EXCLUDED.status, EXCLUDED.data)
RETURNING id;

-- name: retire_absent(holder_id, enterprise_id, source, types, keep)!
-- What a source no longer lists for the subject stops standing for anything.
UPDATE licences SET status = 'revoked'
WHERE source <> 'library'
  AND (CASE WHEN :enterprise_id::bigint IS NULL THEN holder_id = :holder_id AND enterprise_id IS NULL
            ELSE enterprise_id = :enterprise_id END) AND source = :source AND type = ANY(:types) AND status = 'valid'
  AND identifier IS NOT NULL AND NOT (identifier = ANY(:keep));

-- name: mark_unavailable(application_id, at)!
UPDATE applications SET licence_data_unavailable_at = :at WHERE id = :application_id;
