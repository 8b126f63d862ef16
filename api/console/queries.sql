-- The console's own reads: a staff directory for pickers. Domain data comes from the domains' services.

-- name: helpdesk_agents(exclude_id)
-- Who a conversation can be handed to: the same rule as the help desk's transfer query.
SELECT id, name FROM users
WHERE NOT disabled AND roles && ARRAY['helpdesk', 'admin']::text[] AND id <> :exclude_id
ORDER BY name NULLS LAST, id;
