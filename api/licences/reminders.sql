-- Expiry reminders (api/licences/service/reminders.py): one per licence and threshold.

-- name: due_reminders(today, days, after, lim)
-- Valid licences ending in (today + after, today + days] with no reminder of this threshold yet,
-- of a type someone renews (a renewal service acts on it), and not being renewed right now.
SELECT l.id, l.holder_id, l.type, l.name, l.number, l.valid_until
FROM licences l
WHERE l.status = 'valid' AND l.valid_until IS NOT NULL
  AND l.valid_until > :today::date + :after::int AND l.valid_until <= :today::date + :days::int
  AND l.type IN (SELECT spec->'lifecycle'->>'licenceType' FROM services
                 WHERE active AND spec->'lifecycle'->>'kind' = 'renew'
                 UNION
                 SELECT licence_type FROM services
                 WHERE active AND licence_type IS NOT NULL AND spec->'rules' @> '[{"kind": "renew_window"}]')
  AND NOT EXISTS (SELECT 1 FROM licence_reminders r WHERE r.licence_id = l.id AND r.days_before = :days)
  AND NOT EXISTS (SELECT 1 FROM licence_actions x JOIN applications a ON a.id = x.application_id
                  WHERE x.licence_id = l.id AND x.kind = 'renew'
                    AND a.status NOT IN ('draft', 'approved', 'rejected', 'withdrawn', 'closed'))
ORDER BY l.valid_until, l.id
LIMIT :lim;

-- name: claim_reminder(licence_id, days_before, sent_on)$
-- The primary key decides: a second run, or a second worker at the same time, gets nothing back.
INSERT INTO licence_reminders (licence_id, days_before, sent_on) VALUES (:licence_id, :days_before, :sent_on)
ON CONFLICT (licence_id, days_before) DO NOTHING
RETURNING licence_id;
