-- Reform figures as the bureaus define them (issue 27; DOMAIN.md "Reform figures"), read from the
-- facts of migration 0115 (with 0186's pauses):
--   online                 filed and decided without any window visit, by a verified subject, not
--                          entered for the person at a window (0194: entered_by, filed_verified)
--   decided_automatically  (was is_instant, the service's declared kind): decided by the rules on
--                          submission (0194), the instant share
--   materials_exempted     (unchanged) a material counts as exempted only when a licence of the
--                          library stands for it (this product's, the sharing service's mirror, an
--                          import: migration 0188); an uploaded file never does
ALTER TABLE stats_case_facts RENAME COLUMN is_instant TO decided_automatically;
ALTER TABLE stats_case_facts ADD COLUMN online boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION stats_case_facts_of(ids bigint[]) RETURNS SETOF stats_case_facts
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.service_code, d.submitted_on, d.decided_on,
           CASE WHEN d.decided_on IS NOT NULL
                 AND EXISTS (SELECT 1 FROM workday_calendar WHERE day = d.submitted_on)
                 AND EXISTS (SELECT 1 FROM workday_calendar WHERE day = d.decided_on)
                THEN sign(d.decided_on - d.submitted_on)::int * (
                     SELECT count(*) FILTER (WHERE COALESCE(o.is_workday, c.is_workday))::int
                       FROM workday_calendar c LEFT JOIN workday_overrides o ON o.day = c.day
                      WHERE c.day > least(d.submitted_on, d.decided_on)
                        AND c.day <= greatest(d.submitted_on, d.decided_on))
                     - (SELECT COALESCE(sum(n), 0)::int FROM (
                            SELECT count(*) FILTER (WHERE COALESCE(o.is_workday, c.is_workday)) AS n
                              FROM case_pauses p
                              JOIN workday_calendar c ON c.day > (p.started_at AT TIME ZONE 'Asia/Shanghai')::date
                                                     AND c.day <= (p.ended_at AT TIME ZONE 'Asia/Shanghai')::date
                              LEFT JOIN workday_overrides o ON o.day = c.day
                             WHERE p.application_id = a.id AND p.ended_at IS NOT NULL) x)
           END,
           a.decided_automatically, t.trips, t.window_trips, m.applicable, m.exempted,
           t.window_trips = 0 AND a.entered_by IS NULL AND COALESCE(a.filed_verified, false)
      FROM applications a
     CROSS JOIN LATERAL (SELECT (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date AS submitted_on,
                                (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date AS decided_on) d
     CROSS JOIN LATERAL (SELECT count(*)::int AS trips,
                                count(*) FILTER (WHERE kind = 'window_checkin')::int AS window_trips
                           FROM trips WHERE application_id = a.id) t
     CROSS JOIN LATERAL (SELECT count(*)::int AS applicable,
                                count(*) FILTER (WHERE exempt_licence_id IS NOT NULL)::int AS exempted
                           FROM application_materials WHERE application_id = a.id) m
     WHERE a.id = ANY(ids) AND a.submitted_at IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION stats_count_cases(changed stats_case_facts[], sign integer) RETURNS void
LANGUAGE sql AS $$
    -- in key order, so concurrent refreshes lock the rollup rows in the same order
    INSERT INTO stats_case_daily AS s (day, service_code, cases, online_cases, zero_trip_cases, trips, instant_cases,
                                       decided_cases, workdays_sum, materials_applicable, materials_exempted)
    SELECT submitted_on, service_code, sign * count(*), sign * count(*) FILTER (WHERE online),
           sign * count(*) FILTER (WHERE trips = 0), sign * sum(trips),
           sign * count(*) FILTER (WHERE decided_automatically),
           sign * count(workdays), sign * COALESCE(sum(workdays), 0), sign * sum(materials_applicable),
           sign * sum(materials_exempted)
      FROM unnest(changed)
     GROUP BY submitted_on, service_code
     ORDER BY submitted_on, service_code
        ON CONFLICT (day, service_code) DO UPDATE
       SET cases = s.cases + EXCLUDED.cases, online_cases = s.online_cases + EXCLUDED.online_cases,
           zero_trip_cases = s.zero_trip_cases + EXCLUDED.zero_trip_cases, trips = s.trips + EXCLUDED.trips,
           instant_cases = s.instant_cases + EXCLUDED.instant_cases,
           decided_cases = s.decided_cases + EXCLUDED.decided_cases,
           workdays_sum = s.workdays_sum + EXCLUDED.workdays_sum,
           materials_applicable = s.materials_applicable + EXCLUDED.materials_applicable,
           materials_exempted = s.materials_exempted + EXCLUDED.materials_exempted;
    INSERT INTO stats_case_workdays AS s (day, service_code, workdays, cases)
    SELECT submitted_on, service_code, workdays, sign * count(*)
      FROM unnest(changed)
     WHERE workdays IS NOT NULL
     GROUP BY submitted_on, service_code, workdays
     ORDER BY submitted_on, service_code, workdays
        ON CONFLICT (day, service_code, workdays) DO UPDATE SET cases = s.cases + EXCLUDED.cases;
$$;

-- the applications' columns the facts read, now with who entered the case, whether its subject was
-- verified when filed and whether the rules decided it
CREATE OR REPLACE FUNCTION stats_applications_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT id FROM new_rows WHERE submitted_at IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT application_id FROM stats_case_facts
                                           WHERE application_id IN (SELECT id FROM old_rows)));
    ELSE
        PERFORM stats_refresh_cases(ARRAY(
            SELECT DISTINCT id FROM (
                (SELECT id, submitted_at, decided_at, service_code, decided_automatically, entered_by, filed_verified
                   FROM new_rows
                 EXCEPT SELECT id, submitted_at, decided_at, service_code, decided_automatically, entered_by,
                               filed_verified FROM old_rows)
                UNION ALL
                (SELECT id, submitted_at, decided_at, service_code, decided_automatically, entered_by, filed_verified
                   FROM old_rows
                 EXCEPT SELECT id, submitted_at, decided_at, service_code, decided_automatically, entered_by,
                               filed_verified FROM new_rows)) x));
    END IF;
    RETURN NULL;
END $$;

-- decided_automatically comes from the timeline: the rules' decision is the status entry written
-- without an actor and marked automatic (api/applications/service/journey.py, "即办件：自动核验全部
-- 通过"), whichever path wrote it.
CREATE FUNCTION applications_decided_automatically() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications a SET decided_automatically = true
      FROM new_rows e
     WHERE a.id = e.application_id AND e.kind = 'status' AND e.actor_id IS NULL
       AND e.to_status IN ('approved', 'rejected') AND e.data->>'automatic' = 'true'
       AND NOT a.decided_automatically;
    RETURN NULL;
END $$;
CREATE TRIGGER applications_decided_automatically AFTER INSERT ON application_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION applications_decided_automatically();
UPDATE applications a SET decided_automatically = true
 WHERE EXISTS (SELECT 1 FROM application_events e
                WHERE e.application_id = a.id AND e.kind = 'status' AND e.actor_id IS NULL
                  AND e.to_status IN ('approved', 'rejected') AND e.data->>'automatic' = 'true');

SELECT stats_rebuild();
