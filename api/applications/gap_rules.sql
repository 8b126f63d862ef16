-- F096: one gap notice, really (service/gap_rules.py; tables: migration 0186).

-- name: earlier_notices(application_id)
SELECT g.id, g.gaps, g.created_at, f.form
FROM gap_notices g LEFT JOIN gap_notice_forms f ON f.gap_notice_id = g.id
WHERE g.application_id = :application_id ORDER BY g.id;

-- name: materials_changed_since(application_id, since, applicant_id)
-- The materials the applicant uploaded, replaced or removed pages of since the first notice.
SELECT DISTINCT data->>'material' AS code FROM application_events
WHERE application_id = :application_id AND kind = 'material' AND created_at > :since
  AND actor_id = :applicant_id AND data ? 'material';

-- name: current_form(application_id)^
SELECT applicant_id, form, service_code, public_no FROM applications WHERE id = :application_id;

-- name: insert_addition(gap_notice_id, application_id, items, override_by, reason)!
INSERT INTO gap_notice_additions (gap_notice_id, application_id, items, override_by, reason)
VALUES (:gap_notice_id, :application_id, :items, :override_by, :reason);

-- name: additions_of(application_id)
SELECT gap_notice_id, items, override_by, reason, created_at FROM gap_notice_additions
WHERE application_id = :application_id ORDER BY gap_notice_id;

-- name: count_additions(from_ts, to_ts)$
SELECT count(*) FROM gap_notice_additions WHERE created_at >= :from_ts AND created_at < :to_ts;
