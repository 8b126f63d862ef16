-- Console edits of the catalogue and the working-day calendar (api/catalogue/service/admin.py).

-- name: record_edit(service_code, actor_id, part, before, after)!
INSERT INTO catalogue_edits (service_code, actor_id, part, before, after)
VALUES (:service_code, :actor_id, :part, :before, :after);

-- name: edits(service_code)
SELECT e.part, e.before, e.after, e.created_at, u.name AS actor_name
FROM catalogue_edits e JOIN users u ON u.id = e.actor_id
WHERE e.service_code = :service_code ORDER BY e.id DESC LIMIT 100;

-- name: overrides_from(since, until)
SELECT day, is_workday, note FROM workday_overrides WHERE day BETWEEN :since AND :until ORDER BY day;
