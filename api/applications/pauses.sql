-- Pauses of the promised clock (service/pauses.py; table: migration 0186).

-- name: lock_case(id)^
SELECT id, status, due_on, applicant_id, public_no, service_code FROM applications WHERE id = :id FOR UPDATE;

-- name: open_pause(application_id)^
SELECT * FROM case_pauses WHERE application_id = :application_id AND ended_at IS NULL;

-- name: insert_pause(application_id, kind, started_at, reason, started_by)^
INSERT INTO case_pauses (application_id, kind, started_at, reason, started_by)
VALUES (:application_id, :kind, :started_at, :reason, :started_by)
ON CONFLICT (application_id) WHERE ended_at IS NULL DO NOTHING
RETURNING *;

-- name: close_pause(id, ended_at, ended_by, workdays)^
UPDATE case_pauses SET ended_at = greatest(:ended_at, started_at), ended_by = :ended_by, workdays = :workdays
WHERE id = :id AND ended_at IS NULL
RETURNING *;

-- name: extend_due(id, due_on)!
UPDATE applications SET due_on = :due_on, updated_at = now() WHERE id = :id;

-- name: pauses_of(application_id)
SELECT * FROM case_pauses WHERE application_id = :application_id ORDER BY id;

-- name: insert_event(application_id, kind, actor_id, to_status, note, data, at)^
INSERT INTO application_events (application_id, kind, actor_id, to_status, note, data, created_at)
VALUES (:application_id, :kind, :actor_id, :to_status, :note, :data, coalesce(:at, clock_timestamp()))
RETURNING id;

-- name: clock_row(id)^
SELECT id, promised_days, due_on FROM applications WHERE id = :id;
