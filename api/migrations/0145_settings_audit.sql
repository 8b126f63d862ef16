-- Changes to sites, opening schedules and working-day overrides (issue 26), like catalogue_edits:
-- who, when, the row before and after. Written by triggers, so every path is recorded (the console,
-- the API, `zsb load-workdays`, psql); the actor is the staff member the application names for the
-- transaction (set_config('zsb.actor_id', ..., true): api/auth/service_staff.act_as), else NULL
-- (a command or a script). Kept forever; nothing updates or deletes rows.
CREATE TABLE settings_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('site', 'schedule', 'workday')),
    object_key  text NOT NULL,   -- the site's or schedule's id, the day
    action      text NOT NULL CHECK (action IN ('created', 'changed', 'deleted')),
    before      jsonb,
    after       jsonb,
    actor_id    bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX settings_audit_kind ON settings_audit (kind, id);

CREATE FUNCTION settings_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'updated_at' END;
    new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'updated_at' END;
BEGIN
    IF TG_OP = 'UPDATE' AND old_j = new_j THEN
        RETURN NULL;  -- an upsert that changed nothing (a notice loaded again) is no change
    END IF;
    INSERT INTO settings_audit (kind, object_key, action, before, after, actor_id)
    VALUES (TG_ARGV[0], coalesce(new_j, old_j) ->> TG_ARGV[1],
            CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END,
            old_j, new_j, nullif(current_setting('zsb.actor_id', true), '')::bigint);
    RETURN NULL;
END $$;

CREATE TRIGGER appt_sites_audit AFTER INSERT OR UPDATE OR DELETE ON appt_sites
FOR EACH ROW EXECUTE FUNCTION settings_audit_row('site', 'id');
CREATE TRIGGER appt_schedules_audit AFTER INSERT OR UPDATE OR DELETE ON appt_schedules
FOR EACH ROW EXECUTE FUNCTION settings_audit_row('schedule', 'id');
CREATE TRIGGER workday_overrides_audit AFTER INSERT OR UPDATE OR DELETE ON workday_overrides
FOR EACH ROW EXECUTE FUNCTION settings_audit_row('workday', 'day');
