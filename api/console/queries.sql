-- The console's own reads: a staff directory for pickers. Domain data comes from the domains' services.

-- name: helpdesk_agents(exclude_id)
-- Who a conversation can be handed to: the same rule as the help desk's transfer query.
SELECT id, name FROM users
WHERE NOT disabled AND roles && ARRAY['helpdesk', 'admin']::text[] AND id <> :exclude_id
ORDER BY name NULLS LAST, id;

-- name: exam_invitations(application_ids)
-- The exam invitations of cases waiting for their exam (the approver's queue decides which cases):
-- since when invited, and the exam session booked, if any.
SELECT x.id AS application_id,
       (SELECT min(i.created_at) FROM appt_exam_invitations i WHERE i.application_id = x.id) AS invited_at,
       b.starts_at AS booked_for, b.code AS booking_code, s.name AS site_name
FROM unnest(:application_ids::bigint[]) AS x(id)
LEFT JOIN LATERAL (SELECT p.starts_at, p.code, p.site_id FROM appointments p
                   WHERE p.application_id = x.id AND p.kind = 'exam' AND p.status = 'booked'
                   ORDER BY p.id DESC LIMIT 1) b ON true
LEFT JOIN appt_sites s ON s.id = b.site_id;

-- name: settings_audit(kind, before_id, lim)
-- Recorded changes to sites, schedules and working-day overrides (migration 0145), newest first.
SELECT a.id, a.kind, a.object_key, a.action, a.before, a.after, a.created_at, u.name AS actor_name,
       s.name AS site_name
FROM settings_audit a
LEFT JOIN users u ON u.id = a.actor_id
LEFT JOIN appt_sites s ON a.kind = 'schedule' AND s.id = (coalesce(a.after, a.before) ->> 'site_id')::bigint
WHERE (:kind::text IS NULL OR a.kind = :kind) AND a.id < :before_id
ORDER BY a.id DESC
LIMIT :lim;
