-- name: applications_without_task()
-- Applications waiting at a step with no active task (new submissions, supplemented cases).
SELECT a.id, a.status, a.service_code, a.submitted_at, a.due_on, a.is_instant, a.clock_starts_on,
       (SELECT max(t.position) FROM approval_tasks t
        WHERE t.application_id = a.id AND t.status = 'done' AND t.decision = 'approve') AS last_approved
FROM applications a
WHERE a.status IN ('submitted', 'accepted', 'in_review')
  AND NOT EXISTS (SELECT 1 FROM approval_tasks t
                  WHERE t.application_id = a.id AND t.status IN ('open', 'claimed', 'waiting_exam'))
ORDER BY a.id
LIMIT 1000;

-- name: cancel_stale_tasks(at)!
-- A task whose application left its stage without a decision here (withdrawn, returned by
-- someone else, closed) is over.
UPDATE approval_tasks t SET status = 'cancelled', assignee_id = NULL, closed_at = :at
FROM applications a
WHERE a.id = t.application_id AND t.status IN ('open', 'claimed', 'waiting_exam') AND a.status <> t.stage;

-- name: steps_of_service(service_code)
SELECT position, step, role, name FROM service_steps WHERE service_code = :service_code ORDER BY position;

-- name: last_approved_position(application_id)$
-- The last step approved for the case: it waits at the one after.
SELECT max(position) FROM approval_tasks
WHERE application_id = :application_id AND status = 'done' AND decision = 'approve';

-- name: active_task_id(application_id)$
SELECT id FROM approval_tasks
WHERE application_id = :application_id AND status IN ('open', 'claimed', 'waiting_exam');

-- name: insert_task(application_id, service_code, position, step, role, stage, status, due_on)^
INSERT INTO approval_tasks (application_id, service_code, position, step, role, stage, status, due_on)
VALUES (:application_id, :service_code, :position, :step, :role, :stage, :status, :due_on)
ON CONFLICT (application_id) WHERE status IN ('open', 'claimed', 'waiting_exam') DO NOTHING
RETURNING *;

-- name: queue(steps, all_steps, service_code, status, assignee_id, overdue, today, after, lim)
SELECT t.id, t.application_id, t.service_code, t.position, t.step, t.role, t.status, t.assignee_id,
       t.claimed_at, t.due_on, t.created_at, a.public_no, a.submitted_at, a.form, a.manual_reason, s.name AS service_name,
       st.name AS step_name, u.name AS applicant_name, u.company_name AS applicant_company,
       -- the case's subject and who acted for it (issue 20): an enterprise's legal representative or 经办人
       e.name AS enterprise_name, e.credit_code AS enterprise_credit_code,
       CASE WHEN e.id IS NULL THEN 'self' WHEN e.legal_rep_id = a.applicant_id THEN 'legal_rep' ELSE 'agent' END
           AS acted_as,
       (SELECT i.name FROM identities i WHERE i.user_id = a.applicant_id AND i.status = 'verified') AS acted_by_name,
       -- the automatic review's latest run passed every check (bulky cargo): decide quickly
       (SELECT r.all_passed FROM application_reviews r WHERE r.application_id = a.id ORDER BY r.id DESC LIMIT 1)
           AS review_all_passed,
       -- the case's clock stands still since (an open pause, F106: the deadline moves with it)
       (SELECT p.started_at FROM case_pauses p WHERE p.application_id = a.id AND p.ended_at IS NULL) AS paused_since
FROM approval_tasks t
JOIN applications a ON a.id = t.application_id
JOIN services s ON s.code = t.service_code
JOIN service_steps st ON st.service_code = t.service_code AND st.position = t.position
JOIN users u ON u.id = a.applicant_id
LEFT JOIN enterprises e ON e.id = a.enterprise_id
WHERE t.status IN ('open', 'claimed', 'waiting_exam')
  AND (:all_steps OR t.step = ANY(:steps))
  AND (:service_code::text IS NULL OR t.service_code = :service_code)
  AND (:status::text IS NULL OR t.status = :status)
  AND (:assignee_id::bigint IS NULL OR t.assignee_id = :assignee_id)
  -- a paused case is overdue only when it already was when its clock stopped
  AND (:overdue::boolean IS NULL OR (t.due_on IS NOT NULL AND t.due_on < least(:today, (
        SELECT (p.started_at AT TIME ZONE 'Asia/Shanghai')::date FROM case_pauses p
         WHERE p.application_id = a.id AND p.ended_at IS NULL))) = :overdue)
  AND t.id > :after
ORDER BY t.id
LIMIT :lim;

-- name: get_task(id)^
SELECT t.*, a.public_no, a.status AS application_status, a.applicant_id, a.submitted_at, a.form, a.answers, a.manual_reason,
       a.due_on AS application_due_on, s.name AS service_name, st.name AS step_name,
       u.name AS applicant_name, u.phone AS applicant_phone, u.company_name AS applicant_company,
       -- the case's subject and who acted for it (issue 20): an enterprise's legal representative or 经办人
       e.name AS enterprise_name, e.credit_code AS enterprise_credit_code,
       CASE WHEN e.id IS NULL THEN 'self' WHEN e.legal_rep_id = a.applicant_id THEN 'legal_rep' ELSE 'agent' END
           AS acted_as,
       (SELECT i.name FROM identities i WHERE i.user_id = a.applicant_id AND i.status = 'verified') AS acted_by_name,
       (SELECT count(*) FROM service_steps x WHERE x.service_code = t.service_code) AS step_count,
       (SELECT r.all_passed FROM application_reviews r WHERE r.application_id = a.id ORDER BY r.id DESC LIMIT 1)
           AS review_all_passed,
       -- the case's clock stands still since (an open pause, F106: the deadline moves with it)
       (SELECT p.started_at FROM case_pauses p WHERE p.application_id = a.id AND p.ended_at IS NULL) AS paused_since
FROM approval_tasks t
JOIN applications a ON a.id = t.application_id
JOIN services s ON s.code = t.service_code
JOIN service_steps st ON st.service_code = t.service_code AND st.position = t.position
JOIN users u ON u.id = a.applicant_id
LEFT JOIN enterprises e ON e.id = a.enterprise_id
WHERE t.id = :id;

-- name: claim(id, user_id, at)^
-- One approver at a time: of two racing claims only one finds the task open. Claimed again by its
-- holder (a decision claims first), it keeps the time it was first claimed.
UPDATE approval_tasks SET status = 'claimed', assignee_id = :user_id,
                          claimed_at = CASE WHEN status = 'claimed' THEN claimed_at ELSE :at END
WHERE id = :id AND (status = 'open' OR (status = 'claimed' AND assignee_id = :user_id))
RETURNING *;

-- name: own_case(staff_id, application_id)$
-- The staff member is the case's applicant, as a person (migration 0132).
SELECT staff_own_case(:staff_id, :application_id);

-- name: release(id, user_id)^
UPDATE approval_tasks SET status = 'open', assignee_id = NULL, claimed_at = NULL
WHERE id = :id AND status = 'claimed' AND assignee_id = :user_id
RETURNING *;

-- name: finish_task(id, user_id, decision, at)^
UPDATE approval_tasks SET status = 'done', decision = :decision, assignee_id = :user_id,
                          claimed_at = coalesce(claimed_at, :at), closed_at = :at
WHERE id = :id AND status = 'claimed' AND assignee_id = :user_id
RETURNING *;

-- name: cancel_exam_task(application_id, at)^
-- The decide task waited for a result that will not come: over, without an approver or a decision.
UPDATE approval_tasks SET status = 'cancelled', assignee_id = NULL, closed_at = :at
WHERE application_id = :application_id AND status = 'waiting_exam'
RETURNING *;

-- name: finish_exam_task(id, user_id, at)^
UPDATE approval_tasks SET status = 'done', decision = 'approve', assignee_id = :user_id,
                          claimed_at = :at, closed_at = :at
WHERE id = :id AND status = 'waiting_exam'
RETURNING *;

-- name: chain_head(application_id)^
SELECT seq, hash FROM audit_chain WHERE application_id = :application_id ORDER BY seq DESC LIMIT 1;

-- name: insert_decision(task_id, application_id, step, decision, reason, missing, approver_id, batch_id, chain_seq, chain_hash)^
INSERT INTO approval_decisions (task_id, application_id, step, decision, reason, missing, approver_id, batch_id,
                                chain_seq, chain_hash)
VALUES (:task_id, :application_id, :step, :decision, :reason, :missing, :approver_id, :batch_id, :chain_seq,
        :chain_hash)
RETURNING *;

-- name: materials(application_id)
SELECT m.material_code, m.name, m.required, m.exempt_licence_id, m.content_type, m.size_bytes, m.sha256,
       m.original_name, m.uploaded_at, m.storage_key, l.name AS exempt_licence_name, l.number AS exempt_licence_number,
       m.exempt_reason
FROM application_materials m LEFT JOIN licences l ON l.id = m.exempt_licence_id
WHERE m.application_id = :application_id ORDER BY m.material_code;

-- name: timeline(application_id)
SELECT e.id, e.kind, e.actor_id, e.from_status, e.to_status, e.note, e.created_at, c.seq, c.hash
FROM application_events e LEFT JOIN audit_chain c ON c.event_id = e.id
WHERE e.application_id = :application_id ORDER BY e.id;

-- name: verify_chains()
-- Every link recomputed from the rows as they are now; one row per problem found.
WITH links AS (
    SELECT c.application_id, c.seq, c.event_id, c.prev_hash, c.hash, e.id AS found_id,
           CASE WHEN e.id IS NOT NULL THEN audit_hash(c.prev_hash, audit_event_content(e)) END AS recomputed,
           lag(c.hash) OVER w AS previous_hash, lag(c.seq) OVER w AS previous_seq
    FROM audit_chain c LEFT JOIN application_events e ON e.id = c.event_id
    WINDOW w AS (PARTITION BY c.application_id ORDER BY c.seq)
)
SELECT application_id, seq, event_id,
       CASE WHEN found_id IS NULL THEN 'event_deleted'
            WHEN recomputed <> hash THEN 'event_altered'
            WHEN seq <> coalesce(previous_seq, 0) + 1 THEN 'link_missing'
            ELSE 'link_broken' END AS problem
FROM links
WHERE found_id IS NULL OR recomputed <> hash OR seq <> coalesce(previous_seq, 0) + 1
   OR prev_hash <> coalesce(previous_hash, repeat('0', 64))
UNION ALL
SELECT e.application_id, NULL, e.id, 'event_unchained'
FROM application_events e LEFT JOIN audit_chain c ON c.event_id = e.id
WHERE c.event_id IS NULL
UNION ALL
SELECT d.application_id, d.chain_seq, NULL, 'decision_unanchored'
FROM approval_decisions d LEFT JOIN audit_chain c ON c.application_id = d.application_id AND c.seq = d.chain_seq
WHERE c.hash IS DISTINCT FROM d.chain_hash
ORDER BY 1, 2 NULLS LAST;

-- name: chain_counts()^
SELECT count(DISTINCT application_id) AS chains, count(*) AS links FROM audit_chain;

-- name: public_nos(ids)
SELECT id, public_no FROM applications WHERE id = ANY(:ids);

-- name: recipients(step, roles)
-- Who hears about a task of ``step``: active staff holding the step and one of ``roles``.
SELECT id FROM users
WHERE NOT disabled AND :step = ANY(steps) AND roles && :roles::text[]
ORDER BY id;

-- name: due_tasks(until)
SELECT t.id, t.application_id, t.step, t.role, t.assignee_id, t.due_on, t.reminded_at, t.escalated_at,
       a.public_no, s.name AS service_name, st.name AS step_name
FROM approval_tasks t
JOIN applications a ON a.id = t.application_id
JOIN services s ON s.code = t.service_code
JOIN service_steps st ON st.service_code = t.service_code AND st.position = t.position
WHERE t.status IN ('open', 'claimed') AND t.due_on IS NOT NULL AND t.due_on <= :until
  AND (t.reminded_at IS NULL OR t.escalated_at IS NULL)
  -- the clock stands still (F106): no reminder or escalation until it runs again
  AND NOT EXISTS (SELECT 1 FROM case_pauses p WHERE p.application_id = t.application_id AND p.ended_at IS NULL)
ORDER BY t.id;

-- name: mark_reminded(id, at)^
UPDATE approval_tasks SET reminded_at = :at
WHERE id = :id AND reminded_at IS NULL AND status IN ('open', 'claimed') RETURNING id;

-- name: mark_escalated(id, at)^
UPDATE approval_tasks SET escalated_at = :at, reminded_at = coalesce(reminded_at, :at)
WHERE id = :id AND escalated_at IS NULL AND status IN ('open', 'claimed') RETURNING id;

-- name: case_reached_by(application_id, user_id, steps)$
-- A case was at one of these steps (a task of any status), or this user held one of its tasks,
-- signed one of its decisions or wrote an event of its timeline.
SELECT EXISTS (SELECT 1 FROM approval_tasks
               WHERE application_id = :application_id AND (step = ANY(:steps) OR assignee_id = :user_id))
    OR EXISTS (SELECT 1 FROM approval_decisions WHERE application_id = :application_id AND approver_id = :user_id)
    OR EXISTS (SELECT 1 FROM application_events WHERE application_id = :application_id AND actor_id = :user_id);

-- Staff looks at a case (F145 "每次查看都留有记录", migration 0128). The hot reads carry their
-- record in the same statement: a data-modifying CTE runs once whether or not the query reads it.

-- name: material_pages_seen(application_id, task_id, viewer_id, id_number_shown)
-- The task detail's pages (as material_pages), and the record of this look at the case.
WITH seen AS (
    INSERT INTO case_views (application_id, viewer_id, via, task_id, what, id_number_shown)
    VALUES (:application_id, :viewer_id, 'task', :task_id, 'detail', :id_number_shown)
)
SELECT material_code, page_no, content_type, size_bytes, sha256, original_name, uploaded_at
FROM application_material_pages WHERE application_id = :application_id ORDER BY material_code, page_no;

-- name: material_seen(application_id, material_code, task_id, viewer_id)^
-- One material's file (as material); the look is recorded only when there is a file to see.
WITH m AS (
    SELECT material_code, storage_key, content_type, original_name FROM application_materials
    WHERE application_id = :application_id AND material_code = :material_code
), seen AS (
    INSERT INTO case_views (application_id, viewer_id, via, task_id, what, material_code)
    SELECT :application_id::bigint, :viewer_id::bigint, 'task', :task_id::bigint, 'material', m.material_code
    FROM m WHERE m.storage_key IS NOT NULL
)
SELECT * FROM m;

-- name: material_page_seen(application_id, material_code, page_no, task_id, viewer_id)^
-- One page of a material (as material_page); recorded only when the page has a file.
WITH p AS (
    SELECT material_code, page_no, storage_key, content_type, original_name FROM application_material_pages
    WHERE application_id = :application_id AND material_code = :material_code AND page_no = :page_no
), seen AS (
    INSERT INTO case_views (application_id, viewer_id, via, task_id, what, material_code, page_no)
    SELECT :application_id::bigint, :viewer_id::bigint, 'task', :task_id::bigint, 'page', p.material_code, p.page_no
    FROM p WHERE p.storage_key IS NOT NULL
)
SELECT * FROM p;

-- name: record_case_view(application_id, viewer_id, what, material_code, page_no, id_number_shown)!
-- A whole-case read through the applicant routes (GET /applications/{id} and its files).
INSERT INTO case_views (application_id, viewer_id, via, what, material_code, page_no, id_number_shown)
VALUES (:application_id, :viewer_id, 'case', :what, :material_code, :page_no, :id_number_shown);

-- name: own_application(id, applicant_id)$
SELECT id FROM applications WHERE id = :id AND applicant_id = :applicant_id;

-- name: views_of_case(application_id)
-- Who at the bureau looked at the case, newest first, with the material's name and the step.
SELECT v.id, v.viewed_at, v.via, v.what, v.material_code, v.page_no, v.id_number_shown,
       u.name AS viewer_name, st.name AS step_name, m.name AS material_name
FROM case_views v
JOIN users u ON u.id = v.viewer_id
LEFT JOIN approval_tasks t ON t.id = v.task_id
LEFT JOIN service_steps st ON st.service_code = t.service_code AND st.position = t.position
LEFT JOIN application_materials m ON m.application_id = v.application_id AND m.material_code = v.material_code
WHERE v.application_id = :application_id
ORDER BY v.id DESC
LIMIT 500;

-- name: views_for_audit(viewer_id, application_id, before, lim)
-- The admin's audit list: every look, optionally of one staff member or one case, newest first.
SELECT v.id, v.viewed_at, v.viewer_id, u.name AS viewer_name, v.application_id, a.public_no, v.via, v.task_id,
       v.what, v.material_code, v.page_no, v.id_number_shown, v.delivery_id
FROM case_views v
JOIN users u ON u.id = v.viewer_id
JOIN applications a ON a.id = v.application_id
WHERE (:viewer_id::bigint IS NULL OR v.viewer_id = :viewer_id)
  AND (:application_id::bigint IS NULL OR v.application_id = :application_id)
  AND (:before::bigint IS NULL OR v.id < :before)
ORDER BY v.id DESC
LIMIT :lim;
