-- name: upsert_calendar(days, workdays)!
INSERT INTO workday_calendar (day, is_workday)
SELECT * FROM unnest(:days::date[], :workdays::boolean[])
ON CONFLICT (day) DO UPDATE SET is_workday = EXCLUDED.is_workday
 WHERE workday_calendar.is_workday IS DISTINCT FROM EXCLUDED.is_workday;

-- Per period and service, per period, and overall (GROUPING SETS), for the cases submitted on
-- [from_day, to_day] (Asia/Shanghai), read from the per-day rollups the triggers of migration
-- 0051 keep exact. p90 of the working days to decision is percentile_disc(0.9) on the
-- distribution: the smallest value whose cumulative count reaches ceil(0.9 * n), the row
-- percentile_disc itself would pick.
-- name: case_figures(period, from_day, to_day, service_code)
WITH daily AS (
    SELECT date_trunc(:period, d.day)::date AS period, d.*
      FROM stats_case_daily d
     WHERE d.day BETWEEN :from_day AND :to_day AND (:service_code::text IS NULL OR d.service_code = :service_code)
), sums AS (
    SELECT period, service_code, GROUPING(period) AS all_periods, GROUPING(service_code) AS all_services,
           sum(cases)::bigint AS cases, sum(online_cases)::bigint AS online_cases,
           sum(zero_trip_cases)::bigint AS zero_trip_cases, sum(trips)::bigint AS trips,
           sum(instant_cases)::bigint AS instant_cases, sum(decided_cases)::bigint AS decided_cases,
           (sum(workdays_sum)::numeric / NULLIF(sum(decided_cases), 0))::float8 AS avg_workdays,
           sum(materials_applicable)::bigint AS materials_applicable,
           sum(materials_exempted)::bigint AS materials_exempted
      FROM daily
     GROUP BY GROUPING SETS ((period, service_code), (period), ())
    HAVING sum(cases) > 0
), dist AS (
    SELECT period, service_code, GROUPING(period) AS all_periods, GROUPING(service_code) AS all_services,
           workdays, sum(n) AS n
      FROM (SELECT date_trunc(:period, w.day)::date AS period, w.service_code, w.workdays, sum(w.cases) AS n
              FROM stats_case_workdays w
             WHERE w.day BETWEEN :from_day AND :to_day AND w.cases > 0
               AND (:service_code::text IS NULL OR w.service_code = :service_code)
             GROUP BY 1, 2, 3) w  -- first by period (hashed), then the grouping sets over far fewer rows
     GROUP BY GROUPING SETS ((period, service_code, workdays), (period, workdays), (workdays))
), running AS (
    SELECT period, service_code, all_periods, all_services, workdays,
           sum(n) OVER (PARTITION BY period, service_code, all_periods, all_services ORDER BY workdays) AS upto,
           sum(n) OVER (PARTITION BY period, service_code, all_periods, all_services) AS total
      FROM dist
), p90 AS (
    SELECT DISTINCT ON (period, service_code, all_periods, all_services)
           period, service_code, all_periods, all_services, workdays
      FROM running
     WHERE upto >= ceil(0.9::float8 * total)
     ORDER BY period, service_code, all_periods, all_services, workdays
)
SELECT s.*, p.workdays AS p90_workdays
  FROM sums s
  LEFT JOIN p90 p ON p.all_periods = s.all_periods AND p.all_services = s.all_services
                 AND p.period IS NOT DISTINCT FROM s.period AND p.service_code IS NOT DISTINCT FROM s.service_code;

-- Ratings given on [from_day, to_day] (voided ones do not count), from the per-day rollup; a bad
-- review is followed up on time when it was called back and closed by their last days. Overdue
-- depends on today, so it is counted live over the open follow-ups (a partial index holds them).
-- name: rating_figures(period, from_day, to_day, service_code, today)
WITH r AS (
    SELECT date_trunc(:period, d.day)::date AS period, d.service_code, d.level, sum(d.ratings) AS ratings,
           sum(d.on_time) AS on_time, 0 AS overdue
      FROM stats_rating_daily d
     WHERE d.day BETWEEN :from_day AND :to_day AND (:service_code::text IS NULL OR d.service_code = :service_code)
     GROUP BY 1, 2, 3  -- first by period (hashed), then the grouping sets over far fewer rows
    UNION ALL
    SELECT date_trunc(:period, f.day)::date, f.service_code, f.level, 0, 0, 1
      FROM rating_follow_ups u JOIN stats_rating_facts f ON f.rating_id = u.rating_id
     WHERE u.status IN ('open', 'called_back') AND f.level <= 2
       AND (u.status = 'open' AND u.callback_due_on < :today OR u.rectify_due_on < :today)
       AND f.day BETWEEN :from_day AND :to_day AND (:service_code::text IS NULL OR f.service_code = :service_code)
)
SELECT period, service_code, GROUPING(period) AS all_periods, GROUPING(service_code) AS all_services,
       sum(ratings)::bigint AS ratings,
       COALESCE(sum(ratings) FILTER (WHERE level = 5), 0)::bigint AS level5, COALESCE(sum(ratings) FILTER (WHERE level = 4), 0)::bigint AS level4,
       COALESCE(sum(ratings) FILTER (WHERE level = 3), 0)::bigint AS level3, COALESCE(sum(ratings) FILTER (WHERE level = 2), 0)::bigint AS level2,
       COALESCE(sum(ratings) FILTER (WHERE level = 1), 0)::bigint AS level1,
       COALESCE(sum(ratings) FILTER (WHERE level <= 2), 0)::bigint AS bad_reviews,
       sum(on_time)::bigint AS bad_on_time,
       sum(overdue)::bigint AS bad_overdue
  FROM r
 GROUP BY GROUPING SETS ((period, service_code), (period), ())
HAVING sum(ratings) > 0;

-- name: service_names()
SELECT code, name FROM services;

-- Recompute the facts and rollups of migration 0115 from the source tables (a repair: the
-- triggers keep them exact; e.g. after a TRUNCATE or a restore of only some tables).
-- name: rebuild_rollups()$
SELECT stats_rebuild();

-- Electronic licences issued through cases (per service) and consultations recorded / answered by a
-- person (the service_code '' rows: all-services rows only), from the rollup of migration 0190.
-- name: output_figures(period, from_day, to_day, service_code)
WITH daily AS (
    SELECT date_trunc(:period, d.day)::date AS period, d.*
      FROM stats_output_daily d
     WHERE d.day BETWEEN :from_day AND :to_day AND (:service_code::text IS NULL OR d.service_code = :service_code)
)
SELECT period, NULLIF(service_code, '') AS service_code, GROUPING(period) AS all_periods,
       GROUPING(service_code) AS all_services, sum(licences_issued)::bigint AS licences_issued,
       sum(consultations)::bigint AS consultations, sum(consultations_by_person)::bigint AS consultations_by_person
  FROM daily
 GROUP BY GROUPING SETS ((period, service_code), (period), ())
HAVING GROUPING(service_code) = 1 AND (sum(licences_issued) > 0 OR sum(consultations) > 0)
    OR GROUPING(service_code) = 0 AND service_code <> '' AND sum(licences_issued) > 0;

-- name: rebuild_outputs()$
SELECT stats_rebuild_outputs();
