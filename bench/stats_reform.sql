-- The reform figures computed straight from the source tables, as GET /stats/reform did before
-- the rollups of migration 0115: bench/stats_reform.py checks the rollups give the same figures
-- on the 200,000-case demo data, and times this for comparison.

-- Per period and service, per period, and overall (GROUPING SETS), for the cases submitted in
-- [from_ts, to_ts). Working days from submission to decision = working days in (submitted day,
-- decided day] = difference of the running count of working days on the calendar (admin
-- overrides win over the shipped schedule), less the working days the clock was paused (issue 23).
-- Online = no window check-in, not entered at a window, a subject verified when filing (migration
-- 0196); instant = decided by the rules on submission; zero-trip = no visit.
-- name: direct_case_figures(period, from_ts, to_ts, service_code, first_day, last_day)
WITH cal AS (
    SELECT c.day, sum(CASE WHEN COALESCE(o.is_workday, c.is_workday) THEN 1 ELSE 0 END) OVER (ORDER BY c.day) AS ord
      FROM workday_calendar c LEFT JOIN workday_overrides o ON o.day = c.day
     WHERE c.day BETWEEN :first_day AND :last_day
), cases AS (
    SELECT a.id, a.service_code, a.decided_automatically, a.entered_by, a.filed_verified,
           date_trunc(:period, a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date AS period,
           (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date AS submitted_on,
           (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date AS decided_on
      FROM applications a
     WHERE a.submitted_at >= :from_ts AND a.submitted_at < :to_ts
       AND (:service_code::text IS NULL OR a.service_code = :service_code)
), trip_counts AS (
    SELECT t.application_id, count(*) AS trips, count(*) FILTER (WHERE t.kind = 'window_checkin') AS window_trips
      FROM trips t JOIN cases c ON c.id = t.application_id
     GROUP BY t.application_id
), paused AS (
    -- working days the clock stood still (migration 0186): in (start day, end day] of each ended pause
    SELECT p.application_id, sum(pe.ord - ps.ord) AS workdays
      FROM case_pauses p JOIN cases c ON c.id = p.application_id
      JOIN cal ps ON ps.day = (p.started_at AT TIME ZONE 'Asia/Shanghai')::date
      JOIN cal pe ON pe.day = (p.ended_at AT TIME ZONE 'Asia/Shanghai')::date
     WHERE p.ended_at IS NOT NULL
     GROUP BY p.application_id
), material_counts AS (
    SELECT m.application_id, count(*) AS applicable,
           count(*) FILTER (WHERE m.exempt_licence_id IS NOT NULL) AS exempted
      FROM application_materials m JOIN cases c ON c.id = m.application_id
     GROUP BY m.application_id
)
SELECT c.period, c.service_code, GROUPING(c.period) AS all_periods, GROUPING(c.service_code) AS all_services,
       count(*) AS cases,
       count(*) FILTER (WHERE COALESCE(t.window_trips, 0) = 0 AND c.entered_by IS NULL
                          AND COALESCE(c.filed_verified, false)) AS online_cases,
       count(*) FILTER (WHERE COALESCE(t.trips, 0) = 0) AS zero_trip_cases,
       COALESCE(sum(t.trips), 0)::bigint AS trips,
       count(*) FILTER (WHERE c.decided_automatically) AS instant_cases,
       count(cd.ord) AS decided_cases,
       avg(cd.ord - cs.ord - COALESCE(pz.workdays, 0))::float8 AS avg_workdays,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY cd.ord - cs.ord - COALESCE(pz.workdays, 0)) AS p90_workdays,
       COALESCE(sum(m.applicable), 0)::bigint AS materials_applicable,
       COALESCE(sum(m.exempted), 0)::bigint AS materials_exempted
  FROM cases c
  LEFT JOIN trip_counts t ON t.application_id = c.id
  LEFT JOIN material_counts m ON m.application_id = c.id
  LEFT JOIN cal cs ON cs.day = c.submitted_on
  LEFT JOIN cal cd ON cd.day = c.decided_on
  LEFT JOIN paused pz ON pz.application_id = c.id
 GROUP BY GROUPING SETS ((c.period, c.service_code), (c.period), ());

-- Ratings given in [from_ts, to_ts) (voided ones do not count); a bad review is followed up on
-- time when it was called back and closed by their last days (Asia/Shanghai).
-- name: direct_rating_figures(period, from_ts, to_ts, service_code, today)
WITH r AS (
    SELECT date_trunc(:period, r.created_at AT TIME ZONE 'Asia/Shanghai')::date AS period,
           r.service_code, r.level, r.is_bad, f.status, f.callback_due_on, f.rectify_due_on,
           (f.called_back_at AT TIME ZONE 'Asia/Shanghai')::date AS called_back_on,
           (f.closed_at AT TIME ZONE 'Asia/Shanghai')::date AS closed_on
      FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
     WHERE r.voided_at IS NULL AND r.created_at >= :from_ts AND r.created_at < :to_ts
       AND (:service_code::text IS NULL OR r.service_code = :service_code)
)
SELECT period, service_code, GROUPING(period) AS all_periods, GROUPING(service_code) AS all_services,
       count(*) AS ratings,
       count(*) FILTER (WHERE level = 5) AS level5, count(*) FILTER (WHERE level = 4) AS level4,
       count(*) FILTER (WHERE level = 3) AS level3, count(*) FILTER (WHERE level = 2) AS level2,
       count(*) FILTER (WHERE level = 1) AS level1,
       count(*) FILTER (WHERE is_bad) AS bad_reviews,
       count(*) FILTER (WHERE is_bad AND called_back_on <= callback_due_on AND closed_on <= rectify_due_on)
           AS bad_on_time,
       count(*) FILTER (WHERE is_bad AND ((status = 'open' AND callback_due_on < :today)
                                          OR (status IN ('open', 'called_back') AND rectify_due_on < :today)))
           AS bad_overdue
  FROM r
 GROUP BY GROUPING SETS ((period, service_code), (period), ());

