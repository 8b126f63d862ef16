"""The demo data goes through the real state machine and feeds the figures."""

from __future__ import annotations

from datetime import date

from api.stats.service_demo import load
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
