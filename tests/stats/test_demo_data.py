"""The demo data goes through the real state machine and feeds the figures."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date

from api.stats.service.demo import load
from tests.conftest import JWT_SECRET
from tests.factories import staff


async def test_demo_data_loads_a_year_the_figures_can_read(client, db):
    progressed = []
    async with db.transaction():
        counts = await load(db, cases=400, end=date(2026, 6, 30), progress=progressed.append)
    assert sum(progressed) == 400 and counts["applications"] == 400
    statuses = dict(await db.fetch("SELECT status, count(*) FROM applications GROUP BY status"))
    assert set(statuses) <= {"submitted", "accepted", "approved", "rejected"} and statuses["approved"] > 250
    assert await db.fetchval("SELECT count(*) FROM ratings") == counts["ratings"] > 100
    assert await db.fetchval("SELECT count(*) FROM rating_follow_ups") == counts["follow_ups"] > 0
    assert await db.fetchval("SELECT count(*) FROM application_materials WHERE exempt_licence_id IS NOT NULL") > 0
    admin = await staff(client, db, phone="13900009201", roles=["admin"])
    res = await client.get("/api/v1/stats/reform", params={"from": "2025-07-01", "to": "2026-06-30"},
                           headers=admin["headers"])
    assert res.status_code == 200, res.text
    total = res.json()["total"]
    in_range = await db.fetchval("SELECT count(*) FROM ratings WHERE created_at < '2026-07-01 00:00+08'")
    assert total["cases"] == 400 and total["ratings"] == in_range > 100
    assert 0 < total["zeroTripShare"] < 1 and total["p90WorkdaysToDecision"] is not None


async def test_the_demo_data_command_loads_then_vacuums_what_the_figures_read(db, settings):
    env = {**os.environ, "ZSB_DATABASE_URL": settings.database_url, "ZSB_REDIS_URL": settings.redis_url,
           "ZSB_JWT_SECRET": JWT_SECRET, "ZSB_ENV": "test"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "api.cli", "demo-data", "--cases", "60",
                                                "--end", "2026-06-30", env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    assert proc.returncode == 0 and b"applications 60" in out, out.decode()
    assert await db.fetchval("SELECT sum(cases) FROM stats_case_daily") == 60
    vacuumed = await db.fetchval("SELECT count(*) FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
                                 "AND relname IN ('stats_case_daily', 'stats_case_workdays', 'stats_rating_daily')")
    assert vacuumed == 3


async def test_the_demo_year_follows_the_catalogue_rules_not_typed_in_shares(client, db):
    """Trips are the services' designed visits, instant decisions rest only on exempted materials,
    and an approved case of a licensing service issued its licence."""
    async with db.transaction():
        counts = await load(db, cases=600, end=date(2026, 6, 30), seed=7)
    stray = await db.fetchval(
        "SELECT count(*) FROM trips t JOIN applications a ON a.id = t.application_id "
        "JOIN services s ON s.code = a.service_code WHERE NOT t.kind = ANY(s.visit_steps) "
        "AND NOT (t.source_type = 'window_entry' AND a.entered_by IS NOT NULL)")
    assert stray == 0  # no visit the catalogue does not design, besides the window a person chose (F083)
    entered = await db.fetchval("SELECT count(*) FROM applications WHERE entered_by IS NOT NULL")
    assert 0 < entered < 600 * 0.15
    assert await db.fetchval("SELECT count(*) FROM trips") == counts["trips"] > 0
    # decided within a minute of submission only where the service decides automatically and the
    # library stood for every required material
    quick = await db.fetch(
        "SELECT a.id, s.auto_decide, bool_and(m.exempt_licence_id IS NOT NULL OR NOT m.required) AS all_exempt "
        "FROM applications a JOIN services s ON s.code = a.service_code "
        "LEFT JOIN application_materials m ON m.application_id = a.id "
        "WHERE a.decided_at < a.submitted_at + interval '1 minute' GROUP BY a.id, s.auto_decide")
    assert len(quick) == counts["decided_automatically"] > 0
    assert all(r["auto_decide"] and r["all_exempt"] is not False for r in quick)
    issued = await db.fetchval(
        "SELECT count(*) FROM licences l JOIN applications a ON a.id = l.application_id WHERE a.status = 'approved'")
    assert issued == counts["licences_issued"] > 0
    unissued = await db.fetchval(
        "SELECT count(*) FROM applications a JOIN services s ON s.code = a.service_code "
        "WHERE a.status = 'approved' AND s.licence_type IS NOT NULL AND s.spec->'situations' = '[]'::jsonb "
        "AND NOT EXISTS (SELECT 1 FROM licences l WHERE l.application_id = a.id)")
    assert unissued == 0
    admin = await staff(client, db, phone="13900009202", roles=["admin"])
    total = (await client.get("/api/v1/stats/reform", params={"from": "2025-07-01", "to": "2026-06-30"},
                              headers=admin["headers"])).json()["total"]
    in_range = await db.fetchval("SELECT count(*) FROM licences WHERE application_id IS NOT NULL "
                                 "AND issued_at < '2026-07-01 00:00+08'")
    assert total["licencesIssued"] == in_range > 0  # by the day of issue: a late-June case may issue in July
    assert total["instantCases"] == counts["decided_automatically"]  # the rules' decisions, on submission
    online = await db.fetchval(
        "SELECT count(*) FROM applications a WHERE a.filed_verified AND a.entered_by IS NULL "
        "AND a.submitted_at < '2026-07-01 00:00+08' AND NOT EXISTS (SELECT 1 FROM trips t "
        "WHERE t.application_id = a.id AND t.kind = 'window_checkin')")
    assert total["onlineCases"] == online > 0  # its people are verified; a window visit only where designed
