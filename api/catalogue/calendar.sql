-- name: upsert_notice_days(days, workdays, notes)!
INSERT INTO workday_overrides (day, is_workday, note)
SELECT * FROM unnest(:days::date[], :workdays::boolean[], :notes::text[])
ON CONFLICT (day) DO UPDATE SET is_workday = EXCLUDED.is_workday, note = EXCLUDED.note, updated_at = now()
 WHERE (workday_overrides.is_workday, workday_overrides.note) IS DISTINCT FROM (EXCLUDED.is_workday, EXCLUDED.note);

-- name: save_notice(year, title, holidays, workdays, loaded_by)!
INSERT INTO workday_notices (year, title, holidays, workdays, loaded_by) VALUES (:year, :title, :holidays, :workdays, :loaded_by)
ON CONFLICT (year) DO UPDATE SET title = EXCLUDED.title, holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
    loaded_by = EXCLUDED.loaded_by, loaded_at = now();

-- name: notice_years()
SELECT year FROM workday_notices ORDER BY year;

-- name: workday_overrides()
SELECT day, is_workday FROM workday_overrides;

-- name: set_workday_override(day, is_workday, note)^
INSERT INTO workday_overrides (day, is_workday, note) VALUES (:day, :is_workday, :note)
ON CONFLICT (day) DO UPDATE SET is_workday = EXCLUDED.is_workday, note = EXCLUDED.note, updated_at = now()
RETURNING day, is_workday, note;
