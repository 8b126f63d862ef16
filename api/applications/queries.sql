-- name: insert_application(applicant_id, service_code, answers, form, is_instant, promised_days)^
INSERT INTO applications (applicant_id, service_code, answers, form, is_instant, promised_days)
VALUES (:applicant_id, :service_code, :answers, :form, :is_instant, :promised_days)
RETURNING *;

-- name: get_application(id)^
SELECT a.*, s.name AS service_name, s.auto_decide, s.is_bundle
FROM applications a JOIN services s ON s.code = a.service_code WHERE a.id = :id;

-- name: lock_application(id)^
SELECT * FROM applications WHERE id = :id FOR UPDATE;

-- name: get_by_public_no(public_no)^
SELECT a.id, a.public_no, a.status, a.service_code, a.submitted_at, a.accepted_at, a.decided_at, a.due_on,
       a.supplement_due_on, a.is_instant, a.clock_starts_on, s.name AS service_name
FROM applications a JOIN services s ON s.code = a.service_code WHERE a.public_no = :public_no;

-- name: list_mine(applicant_id)
SELECT a.id, a.public_no, a.status, a.service_code, s.name AS service_name, a.created_at, a.submitted_at,
       a.due_on, a.supplement_due_on
FROM applications a JOIN services s ON s.code = a.service_code
WHERE a.applicant_id = :applicant_id AND a.enterprise_id IS NULL ORDER BY a.id DESC LIMIT 200;

-- name: list_of_enterprise(enterprise_id, all_services, services)
-- The enterprise's cases, whoever filed them; an 经办人 sees those of the services granted (issue 20).
SELECT a.id, a.public_no, a.status, a.service_code, s.name AS service_name, a.created_at, a.submitted_at,
       a.due_on, a.supplement_due_on
FROM applications a JOIN services s ON s.code = a.service_code
WHERE a.enterprise_id = :enterprise_id AND (:all_services OR a.service_code = ANY(:services))
ORDER BY a.id DESC LIMIT 200;

-- name: set_enterprise(id, enterprise_id)!
-- A case filed while acting for an enterprise belongs to it (issue 20).
UPDATE applications SET enterprise_id = :enterprise_id WHERE id = :id;

-- name: update_draft(id, answers, form, is_instant, promised_days)^
UPDATE applications SET answers = :answers, form = :form, is_instant = :is_instant,
                        promised_days = :promised_days, updated_at = now()
WHERE id = :id AND status IN ('draft', 'needs_supplement')
RETURNING *;

-- name: set_status(id, to_status, from_statuses, public_no, due_on, paused_on, supplement_due_on, resume_status, clock_starts_on, at)^
-- The conditional update: of two concurrent transitions only one finds the row in an allowed
-- status; the trigger refuses anything not in application_transitions even so. :at is the app's
-- clock (NULL: the database's) — the submission, acceptance and decision times are business dates.
UPDATE applications SET
    status = :to_status,
    public_no = coalesce(public_no, :public_no),
    submitted_at = CASE WHEN :to_status = 'submitted' THEN coalesce(submitted_at, :at, now()) ELSE submitted_at END,
    accepted_at = CASE WHEN :to_status = 'accepted' THEN coalesce(accepted_at, :at, now()) ELSE accepted_at END,
    decided_at = CASE WHEN :to_status IN ('approved', 'rejected') THEN coalesce(:at, now()) ELSE NULL END,
    due_on = :due_on,
    paused_on = :paused_on,
    supplement_due_on = :supplement_due_on,
    resume_status = :resume_status,
    clock_starts_on = coalesce(clock_starts_on, :clock_starts_on),
    updated_at = now()
WHERE id = :id AND status = ANY(:from_statuses)
RETURNING *;

-- name: insert_event(application_id, kind, actor_id, from_status, to_status, note, data, at)^
-- :at is the app's clock when the caller has it (NULL: the database's)
INSERT INTO application_events (application_id, kind, actor_id, from_status, to_status, note, data, created_at)
VALUES (:application_id, :kind, :actor_id, :from_status, :to_status, :note, :data, coalesce(:at, clock_timestamp()))
RETURNING *;

-- name: events(application_id)
SELECT id, kind, actor_id, from_status, to_status, note, data, created_at
FROM application_events WHERE application_id = :application_id ORDER BY id;

-- name: insert_gap_notice(application_id, gaps, raised_by, from_status, due_on)^
INSERT INTO gap_notices (application_id, gaps, raised_by, from_status, due_on)
VALUES (:application_id, :gaps, :raised_by, :from_status, :due_on)
RETURNING *;

-- name: open_gap_notice(application_id)^
SELECT * FROM gap_notices WHERE application_id = :application_id AND resolved_at IS NULL;

-- name: gap_notices(application_id)
SELECT g.*, x.previous_due_on AS original_due_on, x.created_at AS extended_at
FROM gap_notices g LEFT JOIN supplement_extensions x ON x.gap_notice_id = g.id
WHERE g.application_id = :application_id ORDER BY g.id;

-- name: insert_extension(gap_notice_id, application_id, requested_by, reason, previous_due_on, new_due_on)^
-- Once per gap notice: a second request (even a concurrent one) finds the key taken and gets nothing.
INSERT INTO supplement_extensions (gap_notice_id, application_id, requested_by, reason, previous_due_on, new_due_on)
VALUES (:gap_notice_id, :application_id, :requested_by, :reason, :previous_due_on, :new_due_on)
ON CONFLICT (gap_notice_id) DO NOTHING
RETURNING *;

-- name: extend_gap_notice(id, previous_due_on, new_due_on)^
UPDATE gap_notices SET due_on = :new_due_on
WHERE id = :id AND resolved_at IS NULL AND due_on = :previous_due_on
RETURNING *;

-- name: extend_supplement_due(id, previous_due_on, new_due_on)^
UPDATE applications SET supplement_due_on = :new_due_on, updated_at = now()
WHERE id = :id AND status = 'needs_supplement' AND supplement_due_on = :previous_due_on
RETURNING *;

-- name: resolve_gap_notice(application_id, outcome)!
UPDATE gap_notices SET resolved_at = now(), outcome = :outcome
WHERE application_id = :application_id AND resolved_at IS NULL;

-- name: due_for_closing(today)
SELECT id FROM applications WHERE status = 'needs_supplement' AND supplement_due_on < :today ORDER BY id;

-- name: insert_trip(user_id, application_id, kind, source_type, source_id)^
INSERT INTO trips (user_id, application_id, kind, source_type, source_id)
VALUES (:user_id, :application_id, :kind, :source_type, :source_id)
ON CONFLICT (source_type, source_id, kind) DO NOTHING
RETURNING *;

-- name: materials(application_id)
SELECT * FROM application_materials WHERE application_id = :application_id ORDER BY material_code;

-- name: get_material(application_id, material_code)^
SELECT * FROM application_materials WHERE application_id = :application_id AND material_code = :material_code;

-- name: upsert_material_slot(application_id, material_code, name, required, exempt_licence_id, exempt_reason)!
-- Keeps an uploaded file; a slot that becomes exempt drops nothing because exempt slots never
-- hold a file (the CHECK refuses both).
INSERT INTO application_materials (application_id, material_code, name, required, exempt_licence_id, exempt_reason)
VALUES (:application_id, :material_code, :name, :required, :exempt_licence_id, :exempt_reason)
ON CONFLICT (application_id, material_code) DO UPDATE
SET name = EXCLUDED.name, required = EXCLUDED.required,
    exempt_licence_id = CASE WHEN application_materials.storage_key IS NULL THEN EXCLUDED.exempt_licence_id END,
    exempt_reason = CASE WHEN application_materials.storage_key IS NULL THEN EXCLUDED.exempt_reason END;

-- name: drop_material_slots(application_id, keep)
-- Materials that no longer apply to the answers; returns the files to delete after commit: every
-- page's (the pages go by ON DELETE CASCADE; this statement's snapshot still sees them).
WITH gone AS (
    DELETE FROM application_materials
    WHERE application_id = :application_id AND NOT (material_code = ANY(:keep))
    RETURNING material_code, storage_key
)
SELECT p.storage_key FROM application_material_pages p JOIN gone g ON g.material_code = p.material_code
WHERE p.application_id = :application_id
UNION
SELECT storage_key FROM gone;

-- name: service_of(code)^
SELECT code, name, auto_decide, licence_type FROM services WHERE code = :code;

-- name: copy_as_draft(source_id)^
-- A new draft with the withdrawn case's answers and form (F103); nothing when it was copied already.
INSERT INTO applications (applicant_id, service_code, answers, form, is_instant, promised_days, copied_from,
                          enterprise_id)
SELECT applicant_id, service_code, answers, form, is_instant, promised_days, id, enterprise_id
FROM applications WHERE id = :source_id
ON CONFLICT (copied_from) WHERE copied_from IS NOT NULL DO NOTHING
RETURNING *;

-- name: draft_copy_of(source_id)$
SELECT id FROM applications WHERE copied_from = :source_id;

-- name: patch_form(application_id, patch, drop_key)!
-- Before the decision the delivery choice lives in the form, which prepare_delivery reads on approval.
UPDATE applications SET form = (form || :patch::jsonb) - :drop_key::text, updated_at = now()
WHERE id = :application_id;

-- name: set_manual_reason(id, reason)!
-- Why an instant matter waits for a person at the accept step instead of being decided at once
-- (NULL: nothing keeps it from the automatic decision); the approver's task shows it.
UPDATE applications SET manual_reason = :reason WHERE id = :id;

-- name: set_entered_by(id, staff_id)!
-- F083: the window staff member who entered the case for the person (api/applications/service/window_entry.py)
UPDATE applications SET entered_by = :staff_id WHERE id = :id;
