-- name: next_public_no(day)$
INSERT INTO complaint_no_counters (day, last) VALUES (:day, 1)
ON CONFLICT (day) DO UPDATE SET last = complaint_no_counters.last + 1
RETURNING last;

-- name: target_application(id)^
-- Whose the case is (api/enterprises/scope.py decides whether it is the complainant's subject's).
SELECT id, applicant_id, enterprise_id, service_code FROM applications WHERE id = :id;

-- name: staff_user(id)^
SELECT id, roles FROM users
WHERE id = :id AND NOT disabled AND roles && ARRAY['approver', 'helpdesk', 'admin', 'lead']::text[];

-- name: insert_complaint(public_no, complainant_id, category, target_type, target_id, text, due_on, received_at, enterprise_id)^
INSERT INTO complaints (public_no, complainant_id, category, target_type, target_id, text, due_on, received_at,
                        enterprise_id)
VALUES (:public_no, :complainant_id, :category, :target_type, :target_id, :text, :due_on, :received_at,
        :enterprise_id)
RETURNING *;

-- name: insert_attachment(owner_id, storage_key, content_type, size_bytes, sha256, original_name)^
INSERT INTO complaint_attachments (owner_id, storage_key, content_type, size_bytes, sha256, original_name)
VALUES (:owner_id, :storage_key, :content_type, :size_bytes, :sha256, :original_name)
RETURNING id, content_type, size_bytes, original_name, created_at;

-- name: claim_attachments(complaint_id, owner_id, ids)
-- Only the caller's own, not yet attached uploads: a second complaint cannot take them over.
UPDATE complaint_attachments SET complaint_id = :complaint_id
WHERE id = ANY(:ids) AND owner_id = :owner_id AND complaint_id IS NULL
RETURNING id;

-- name: attachments_of(complaint_id)
SELECT id, content_type, size_bytes, original_name, created_at
FROM complaint_attachments WHERE complaint_id = :complaint_id ORDER BY id;

-- name: attachment_file(id, complaint_id)^
SELECT storage_key, content_type FROM complaint_attachments WHERE id = :id AND complaint_id = :complaint_id;

-- name: insert_event(complaint_id, kind, actor_id, note, data)^
INSERT INTO complaint_events (complaint_id, kind, actor_id, note, data)
VALUES (:complaint_id, :kind, :actor_id, :note, :data)
RETURNING *;

-- name: events(complaint_id)
SELECT e.id, e.kind, e.actor_id, u.name AS actor_name, e.note, e.created_at
FROM complaint_events e LEFT JOIN users u ON u.id = e.actor_id
WHERE e.complaint_id = :complaint_id ORDER BY e.id;

-- name: get_complaint(id)^
SELECT * FROM complaints WHERE id = :id;

-- name: get_with_service(id)^
-- A complaint with the service of the case it is about (NULL: about no case), for the subject check.
SELECT c.*, a.service_code AS target_service
FROM complaints c LEFT JOIN applications a ON c.target_type = 'application' AND a.id = c.target_id
WHERE c.id = :id;

-- name: list_own(complainant_id)
-- The person's own complaints, made as themself (issue 20: an enterprise's are the enterprise's).
SELECT * FROM complaints WHERE complainant_id = :complainant_id AND enterprise_id IS NULL
ORDER BY id DESC LIMIT 200;

-- name: list_of_enterprise(enterprise_id, all_services, services, user_id)
-- An enterprise's complaints, whichever of its people filed them; an 经办人's: about cases of the
-- services granted to them, and their own of no case while they hold a grant.
SELECT c.* FROM complaints c
LEFT JOIN applications a ON c.target_type = 'application' AND a.id = c.target_id
WHERE c.enterprise_id = :enterprise_id
  AND (:all_services OR a.service_code = ANY(:services::text[])
       OR (a.id IS NULL AND c.complainant_id = :user_id AND cardinality(:services::text[]) > 0))
ORDER BY c.id DESC LIMIT 200;

-- name: admin_list(status, overdue, assignee_id, limit, offset)
SELECT c.*, u.name AS complainant_name, u.phone AS complainant_phone, a.name AS assignee_name
FROM complaints c
JOIN users u ON u.id = c.complainant_id
LEFT JOIN users a ON a.id = c.assignee_id
WHERE (:status::text IS NULL OR c.status = :status)
  AND (:overdue::boolean IS NULL OR (c.overdue_at IS NOT NULL) = :overdue)
  AND (:assignee_id::bigint IS NULL OR c.assignee_id = :assignee_id)
ORDER BY (c.status IN ('received', 'assigned')) DESC, c.due_on, c.id
LIMIT :limit OFFSET :offset;

-- name: admin_get(id)^
-- target_staff_name: the staff member a staff complaint names, NULL when its id names no staff member.
SELECT c.*, u.name AS complainant_name, u.phone AS complainant_phone, a.name AS assignee_name,
       coalesce(t.name, CASE WHEN t.id IS NOT NULL THEN '工作人员' END) AS target_staff_name
FROM complaints c
JOIN users u ON u.id = c.complainant_id
LEFT JOIN users a ON a.id = c.assignee_id
LEFT JOIN users t ON c.target_type = 'staff' AND t.id = c.target_id
                 AND t.roles && ARRAY['approver', 'helpdesk', 'admin', 'lead']::text[]
WHERE c.id = :id;

-- name: assign(id, assignee_id)^
-- Re-assigning an open complaint is allowed (the handler is away); an answered one is done.
UPDATE complaints SET assignee_id = :assignee_id, status = 'assigned', updated_at = now()
WHERE id = :id AND status IN ('received', 'assigned')
RETURNING *;

-- name: answer(id, answer, answered_by, answered_at)^
UPDATE complaints SET answer = :answer, answered_by = :answered_by, answered_at = :answered_at,
                      status = 'answered', updated_at = now()
WHERE id = :id AND status IN ('received', 'assigned')
RETURNING *;

-- name: close(id, closed_at)^
UPDATE complaints SET status = 'closed', closed_at = :closed_at, updated_at = now()
WHERE id = :id AND status = 'answered'
RETURNING *;

-- name: rate(id, rating, comment, rated_at)^
-- The caller's subject's complaint (checked before, api/complaints/service/handling.py).
UPDATE complaints SET rating = :rating, rating_comment = :comment, rated_at = :rated_at, updated_at = now()
WHERE id = :id AND status IN ('answered', 'closed') AND rating IS NULL
RETURNING *;

-- name: due_for_reminder(today)
-- Open complaints whose last day to answer has come, not reminded yet.
SELECT id FROM complaints
WHERE status IN ('received', 'assigned') AND due_on <= :today AND reminded_at IS NULL
ORDER BY id LIMIT 500;

-- name: mark_reminded(id, today, at)^
UPDATE complaints SET reminded_at = :at, updated_at = now()
WHERE id = :id AND status IN ('received', 'assigned') AND due_on <= :today AND reminded_at IS NULL
RETURNING *;

-- name: due_for_escalation(today)
SELECT id FROM complaints
WHERE status IN ('received', 'assigned') AND due_on < :today AND overdue_at IS NULL
ORDER BY id LIMIT 500;

-- name: mark_overdue(id, today, at)^
UPDATE complaints SET overdue_at = :at, escalated_at = :at, updated_at = now()
WHERE id = :id AND status IN ('received', 'assigned') AND due_on < :today AND overdue_at IS NULL
RETURNING *;

-- name: leads()
-- Who an overdue complaint is escalated to: the bureau's leads, or its admins when it has none.
SELECT id FROM users
WHERE NOT disabled AND (roles @> ARRAY['lead']::text[]
      OR (roles @> ARRAY['admin']::text[]
          AND NOT EXISTS (SELECT 1 FROM users l WHERE NOT l.disabled AND l.roles @> ARRAY['lead']::text[])))
ORDER BY id;

-- name: admins()
SELECT id FROM users WHERE NOT disabled AND roles @> ARRAY['admin']::text[] ORDER BY id;

-- ---------------------------------------------------------------- content checks (issue 25)

-- name: set_text_check(id, content_check, content_check_result)^
-- Written when the complaint is filed: the sandbox's verdict at once, or 'pending' for the job.
UPDATE complaints SET content_check = :content_check, content_check_result = :content_check_result
WHERE id = :id
RETURNING *;

-- name: complaint_to_check(id)^
SELECT c.id, c.complainant_id, c.text, u.openid
FROM complaints c JOIN users u ON u.id = c.complainant_id
WHERE c.id = :id AND c.content_check = 'pending';

-- name: settle_check(id, content_check, content_check_result)^
-- Only a pending text: a second run of the job (arq retry) changes nothing.
UPDATE complaints SET content_check = :content_check, content_check_result = :content_check_result,
                      updated_at = now()
WHERE id = :id AND content_check = 'pending'
RETURNING *;

-- name: held_texts(max_rows)
SELECT 'text' AS part, id, public_no, text, content_check_result, received_at AS created_at FROM complaints
WHERE content_check = 'held'
UNION ALL
SELECT 'rating', id, public_no, rating_comment, rating_comment_check_result, rated_at FROM complaints
WHERE rating_comment_check = 'held'
ORDER BY created_at DESC LIMIT :max_rows;

-- name: release_text(id, reviewer_id)^
UPDATE complaints SET content_check = 'pass',
       content_check_result = coalesce(content_check_result, '{}'::jsonb)
                              || jsonb_build_object('releasedBy', :reviewer_id::bigint, 'releasedAt', now()),
       updated_at = now()
WHERE id = :id AND content_check = 'held'
RETURNING *;

-- name: checks_due(now)
-- Texts still waiting for their check a minute on (the queue lost the job): for the sweeper.
SELECT 'text' AS part, id FROM complaints
WHERE content_check = 'pending' AND received_at < :now::timestamptz - interval '1 minute'
UNION ALL
SELECT 'rating', id FROM complaints
WHERE rating_comment_check = 'pending' AND rated_at < :now::timestamptz - interval '1 minute'
LIMIT 500;

-- The rating's comment (migration 0147), the same steps as the text's above.
-- name: set_rating_comment_check(id, content_check, content_check_result)^
UPDATE complaints SET rating_comment_check = :content_check, rating_comment_check_result = :content_check_result
WHERE id = :id
RETURNING *;

-- name: rating_comment_to_check(id)^
SELECT c.id, c.complainant_id, c.rating_comment AS text, u.openid
FROM complaints c JOIN users u ON u.id = c.complainant_id
WHERE c.id = :id AND c.rating_comment_check = 'pending';

-- name: settle_rating_comment_check(id, content_check, content_check_result)^
UPDATE complaints SET rating_comment_check = :content_check, rating_comment_check_result = :content_check_result,
                      updated_at = now()
WHERE id = :id AND rating_comment_check = 'pending'
RETURNING *;

-- name: release_rating_comment(id, reviewer_id)^
UPDATE complaints SET rating_comment_check = 'pass',
       rating_comment_check_result = coalesce(rating_comment_check_result, '{}'::jsonb)
                                     || jsonb_build_object('releasedBy', :reviewer_id::bigint, 'releasedAt', now()),
       updated_at = now()
WHERE id = :id AND rating_comment_check = 'held'
RETURNING *;
