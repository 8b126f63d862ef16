-- The reform figures read pre-counted rows instead of every case (issue 8: a whole year of 200,000
-- cases must answer in < 500 ms). Exact, not estimated, and fresh as of the last commit:
--
--   stats_case_facts     one narrow row per submitted application (what the figures need of it)
--   stats_case_daily     per (submission day, service): sums of those facts
--   stats_case_workdays  per (submission day, service, working days to decision): how many cases;
--                        working days are integers, so p90 from cumulative counts is exact
--   stats_rating_facts   one row per rating that counts (not voided)
--   stats_rating_daily   per (rating day, service, level): ratings and bad reviews followed up on time
--
-- Statement-level triggers (with transition tables, so a COPY of 20,000 rows is one set-based
-- refresh, not 20,000) on the source tables recompute the facts of the touched cases/ratings in
-- the same transaction and move the counts of what changed from old to new. Overdue follow-ups
-- depend on "today" and stay a query over the few open follow-ups. stats_rebuild() recomputes
-- everything from the sources (used below for existing data; tests compare it with the
-- incremental counts).

CREATE TABLE stats_case_facts (
    application_id      bigint PRIMARY KEY,
    service_code        text NOT NULL,
    submitted_on        date NOT NULL,            -- Asia/Shanghai
    decided_on          date,
    -- working days in (submitted_on, decided_on] on workday_calendar, admin overrides winning;
    -- NULL while undecided or when a day lies outside the calendar
    workdays            integer,
    is_instant          boolean NOT NULL,
    trips               integer NOT NULL,
    window_trips        integer NOT NULL,
    materials_applicable integer NOT NULL,
    materials_exempted  integer NOT NULL
);

-- No CHECK (cases >= 0) on the rollups: INSERT ... ON CONFLICT checks the proposed row, which
-- for a decrement is negative. tests/stats compare the rollups with stats_rebuild() instead.
CREATE TABLE stats_case_daily (
    day                 date NOT NULL,
    service_code        text NOT NULL,
    cases               integer NOT NULL,
    online_cases        integer NOT NULL,
    zero_trip_cases     integer NOT NULL,
    trips               bigint NOT NULL,
    instant_cases       integer NOT NULL,
    decided_cases       integer NOT NULL,
    workdays_sum        bigint NOT NULL,
    materials_applicable bigint NOT NULL,
    materials_exempted  bigint NOT NULL,
    PRIMARY KEY (day, service_code)
);

CREATE TABLE stats_case_workdays (
    day                 date NOT NULL,
    service_code        text NOT NULL,
    workdays            integer NOT NULL,
    cases               integer NOT NULL,
    PRIMARY KEY (day, service_code, workdays)
);

CREATE TABLE stats_rating_facts (
    rating_id           bigint PRIMARY KEY,
    day                 date NOT NULL,            -- Asia/Shanghai, of created_at
    service_code        text,                     -- NULL: a consultation
    level               smallint NOT NULL,
    on_time             boolean NOT NULL          -- a bad review called back and closed by their days
);

CREATE TABLE stats_rating_daily (
    day                 date NOT NULL,
    service_code        text,
    level               smallint NOT NULL,
    ratings             integer NOT NULL,
    on_time             integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (day, service_code, level)
);

-- What the figures need of each given application, computed from the sources.
CREATE FUNCTION stats_case_facts_of(ids bigint[]) RETURNS SETOF stats_case_facts
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
           END,
           a.is_instant, t.trips, t.window_trips, m.applicable, m.exempted
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

-- Add (sign 1) or take away (sign -1) the counts of the given facts.
CREATE FUNCTION stats_count_cases(changed stats_case_facts[], sign integer) RETURNS void
LANGUAGE sql AS $$
    -- in key order, so concurrent refreshes lock the rollup rows in the same order
    INSERT INTO stats_case_daily AS s (day, service_code, cases, online_cases, zero_trip_cases, trips, instant_cases,
                                       decided_cases, workdays_sum, materials_applicable, materials_exempted)
    SELECT submitted_on, service_code, sign * count(*), sign * count(*) FILTER (WHERE window_trips = 0),
           sign * count(*) FILTER (WHERE trips = 0), sign * sum(trips), sign * count(*) FILTER (WHERE is_instant),
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

-- Bring the facts of the given applications in line with the sources, moving their counts.
CREATE FUNCTION stats_refresh_cases(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    changed stats_case_facts[];
BEGIN
    IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    -- Two transactions refreshing one case would each compute it from their own snapshot and the
    -- later would lose the earlier's change: they take turns on the application row (updates
    -- of the row already hold this lock; trips and materials only hold KEY SHARE).
    PERFORM 1 FROM applications WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    -- facts that no longer match the sources (or whose case is gone) leave with their counts...
    WITH fresh AS MATERIALIZED (
        SELECT * FROM stats_case_facts_of(ids)
    ), gone AS (
        DELETE FROM stats_case_facts f
         WHERE f.application_id = ANY(ids)
           AND NOT EXISTS (SELECT 1 FROM fresh n WHERE n.application_id = f.application_id AND n::stats_case_facts = f)
        RETURNING f.*
    )
    SELECT array_agg(gone::stats_case_facts) INTO changed FROM gone;
    IF changed IS NOT NULL THEN
        PERFORM stats_count_cases(changed, -1);
    END IF;
    -- ...and the current ones come in with theirs (unchanged facts stayed and conflict)
    WITH added AS (
        INSERT INTO stats_case_facts SELECT * FROM stats_case_facts_of(ids)
        ON CONFLICT (application_id) DO NOTHING
        RETURNING *
    )
    SELECT array_agg(added::stats_case_facts) INTO changed FROM added;
    IF changed IS NOT NULL THEN
        PERFORM stats_count_cases(changed, 1);
    END IF;
END $$;

CREATE FUNCTION stats_rating_facts_of(ids bigint[]) RETURNS SETOF stats_rating_facts
LANGUAGE sql STABLE AS $$
    SELECT r.id, (r.created_at AT TIME ZONE 'Asia/Shanghai')::date, r.service_code, r.level,
           COALESCE(r.is_bad AND (f.called_back_at AT TIME ZONE 'Asia/Shanghai')::date <= f.callback_due_on
                             AND (f.closed_at AT TIME ZONE 'Asia/Shanghai')::date <= f.rectify_due_on, false)
      FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
     WHERE r.id = ANY(ids) AND r.voided_at IS NULL
$$;

CREATE FUNCTION stats_count_ratings(changed stats_rating_facts[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO stats_rating_daily AS s (day, service_code, level, ratings, on_time)
    SELECT day, service_code, level, sign * count(*), sign * count(*) FILTER (WHERE on_time)
      FROM unnest(changed)
     GROUP BY day, service_code, level
     ORDER BY day, service_code, level
        ON CONFLICT (day, service_code, level) DO UPDATE
       SET ratings = s.ratings + EXCLUDED.ratings, on_time = s.on_time + EXCLUDED.on_time;
$$;

CREATE FUNCTION stats_refresh_ratings(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    changed stats_rating_facts[];
BEGIN
    IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM ratings WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;  -- as for cases
    WITH fresh AS MATERIALIZED (
        SELECT * FROM stats_rating_facts_of(ids)
    ), gone AS (
        DELETE FROM stats_rating_facts f
         WHERE f.rating_id = ANY(ids)
           AND NOT EXISTS (SELECT 1 FROM fresh n WHERE n.rating_id = f.rating_id AND n::stats_rating_facts = f)
        RETURNING f.*
    )
    SELECT array_agg(gone::stats_rating_facts) INTO changed FROM gone;
    IF changed IS NOT NULL THEN
        PERFORM stats_count_ratings(changed, -1);
    END IF;
    WITH added AS (
        INSERT INTO stats_rating_facts SELECT * FROM stats_rating_facts_of(ids)
        ON CONFLICT (rating_id) DO NOTHING
        RETURNING *
    )
    SELECT array_agg(added::stats_rating_facts) INTO changed FROM added;
    IF changed IS NOT NULL THEN
        PERFORM stats_count_ratings(changed, 1);
    END IF;
END $$;

-- Everything again from the sources (existing data now; a repair tool later).
CREATE FUNCTION stats_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE stats_case_facts, stats_case_daily, stats_case_workdays, stats_rating_facts, stats_rating_daily;
    PERFORM stats_refresh_cases(ARRAY(SELECT id FROM applications WHERE submitted_at IS NOT NULL));
    PERFORM stats_refresh_ratings(ARRAY(SELECT id FROM ratings WHERE voided_at IS NULL));
END $$;

-- The triggers: each finds which cases or ratings a statement touched in a way the figures see
-- (the symmetric difference of old and new rows over the columns that matter), then refreshes them.

CREATE FUNCTION stats_applications_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT id FROM new_rows WHERE submitted_at IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT application_id FROM stats_case_facts
                                           WHERE application_id IN (SELECT id FROM old_rows)));
    ELSE
        PERFORM stats_refresh_cases(ARRAY(
            SELECT DISTINCT id FROM (
                (SELECT id, submitted_at, decided_at, service_code, is_instant FROM new_rows
                 EXCEPT SELECT id, submitted_at, decided_at, service_code, is_instant FROM old_rows)
                UNION ALL
                (SELECT id, submitted_at, decided_at, service_code, is_instant FROM old_rows
                 EXCEPT SELECT id, submitted_at, decided_at, service_code, is_instant FROM new_rows)) x));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_applications_inserted AFTER INSERT ON applications REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_applications_changed();
CREATE TRIGGER stats_applications_updated AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_applications_changed();
CREATE TRIGGER stats_applications_deleted AFTER DELETE ON applications REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_applications_changed();

-- trips and application_materials: the cases of the rows that came, went or changed
CREATE FUNCTION stats_trips_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT DISTINCT application_id FROM new_rows WHERE application_id IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT DISTINCT application_id FROM old_rows WHERE application_id IS NOT NULL));
    ELSE
        PERFORM stats_refresh_cases(ARRAY(
            SELECT DISTINCT application_id FROM (
                (SELECT id, application_id, kind FROM new_rows EXCEPT SELECT id, application_id, kind FROM old_rows)
                UNION ALL
                (SELECT id, application_id, kind FROM old_rows EXCEPT SELECT id, application_id, kind FROM new_rows)) x
             WHERE application_id IS NOT NULL));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_trips_inserted AFTER INSERT ON trips REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_trips_changed();
CREATE TRIGGER stats_trips_updated AFTER UPDATE ON trips REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_trips_changed();
CREATE TRIGGER stats_trips_deleted AFTER DELETE ON trips REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_trips_changed();

CREATE FUNCTION stats_materials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT DISTINCT application_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT DISTINCT application_id FROM old_rows));
    ELSE
        -- uploads change storage columns only: those leave the figures alone
        PERFORM stats_refresh_cases(ARRAY(
            SELECT DISTINCT application_id FROM (
                (SELECT application_id, material_code, exempt_licence_id IS NULL FROM new_rows
                 EXCEPT SELECT application_id, material_code, exempt_licence_id IS NULL FROM old_rows)
                UNION ALL
                (SELECT application_id, material_code, exempt_licence_id IS NULL FROM old_rows
                 EXCEPT SELECT application_id, material_code, exempt_licence_id IS NULL FROM new_rows)) x));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_materials_inserted AFTER INSERT ON application_materials REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_materials_changed();
CREATE TRIGGER stats_materials_updated AFTER UPDATE ON application_materials
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_materials_changed();
CREATE TRIGGER stats_materials_deleted AFTER DELETE ON application_materials REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_materials_changed();

-- A working day added or removed (calendar seed, admin override) re-counts the decided cases
-- whose (submitted, decided] span contains it.
CREATE FUNCTION stats_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    days date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        days := ARRAY(SELECT day FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        days := ARRAY(SELECT day FROM old_rows);
    ELSE
        days := ARRAY(SELECT day FROM ((SELECT day, is_workday FROM new_rows EXCEPT SELECT day, is_workday FROM old_rows)
                                       UNION ALL
                                       (SELECT day, is_workday FROM old_rows EXCEPT SELECT day, is_workday FROM new_rows)) x);
    END IF;
    IF cardinality(days) > 0 THEN
        PERFORM stats_refresh_cases(ARRAY(
            SELECT f.application_id FROM stats_case_facts f
             WHERE f.decided_on IS NOT NULL
               AND EXISTS (SELECT 1 FROM unnest(days) d WHERE d > least(f.submitted_on, f.decided_on)
                                                          AND d <= greatest(f.submitted_on, f.decided_on))
            UNION
            -- a day entering or leaving the calendar decides whether working days can be counted at all
            SELECT f.application_id FROM stats_case_facts f
             WHERE f.submitted_on = ANY(days) OR f.decided_on = ANY(days)));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_calendar_inserted AFTER INSERT ON workday_calendar REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_calendar_changed();
CREATE TRIGGER stats_calendar_updated AFTER UPDATE ON workday_calendar
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_calendar_changed();
CREATE TRIGGER stats_calendar_deleted AFTER DELETE ON workday_calendar REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_calendar_changed();
CREATE TRIGGER stats_overrides_inserted AFTER INSERT ON workday_overrides REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_calendar_changed();
CREATE TRIGGER stats_overrides_updated AFTER UPDATE ON workday_overrides
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_calendar_changed();
CREATE TRIGGER stats_overrides_deleted AFTER DELETE ON workday_overrides REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_calendar_changed();

CREATE FUNCTION stats_ratings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_ratings(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_ratings(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM stats_refresh_ratings(ARRAY(
            SELECT DISTINCT id FROM (
                (SELECT id, created_at, service_code, level, voided_at IS NULL FROM new_rows
                 EXCEPT SELECT id, created_at, service_code, level, voided_at IS NULL FROM old_rows)
                UNION ALL
                (SELECT id, created_at, service_code, level, voided_at IS NULL FROM old_rows
                 EXCEPT SELECT id, created_at, service_code, level, voided_at IS NULL FROM new_rows)) x));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_ratings_inserted AFTER INSERT ON ratings REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_ratings_changed();
CREATE TRIGGER stats_ratings_updated AFTER UPDATE ON ratings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_ratings_changed();
CREATE TRIGGER stats_ratings_deleted AFTER DELETE ON ratings REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_ratings_changed();

CREATE FUNCTION stats_follow_ups_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_ratings(ARRAY(SELECT rating_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_ratings(ARRAY(SELECT rating_id FROM old_rows));
    ELSE
        PERFORM stats_refresh_ratings(ARRAY(
            SELECT DISTINCT rating_id FROM (
                (SELECT rating_id, callback_due_on, rectify_due_on, called_back_at, closed_at FROM new_rows
                 EXCEPT SELECT rating_id, callback_due_on, rectify_due_on, called_back_at, closed_at FROM old_rows)
                UNION ALL
                (SELECT rating_id, callback_due_on, rectify_due_on, called_back_at, closed_at FROM old_rows
                 EXCEPT SELECT rating_id, callback_due_on, rectify_due_on, called_back_at, closed_at FROM new_rows)) x));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_follow_ups_inserted AFTER INSERT ON rating_follow_ups REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_follow_ups_changed();
CREATE TRIGGER stats_follow_ups_updated AFTER UPDATE ON rating_follow_ups
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_follow_ups_changed();
CREATE TRIGGER stats_follow_ups_deleted AFTER DELETE ON rating_follow_ups REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_follow_ups_changed();

-- The cases and ratings already there.
SELECT stats_rebuild();
