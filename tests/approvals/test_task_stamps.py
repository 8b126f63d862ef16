"""One clock for an approval task's own stamps: claimed and closed at the app's clock, reminded
and escalated at the deadline job's (as the decision, the case's dates and the notices are)."""

from __future__ import annotations

from datetime import date

from api.db import create_pool
from jobs.approvals import remind_approval_deadlines
from tests.approvals.helpers import people, submitted, task_of
from tests.clock import Clock, sh, use_clock

TASKS = "/api/v1/tasks"


async def test_a_task_is_claimed_and_closed_at_the_apps_clock_and_escalated_at_the_jobs(client, db, settings):
    clock = use_clock(client, "2026-12-07 10:00")  # a Monday
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])  # tasks exist
    first = await task_of(db, app_id)
    res = await client.post(f"{TASKS}/{first['id']}/claim", headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    clock.advance(hours=2)
    res = await client.post(f"{TASKS}/{first['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    stamps = await db.fetchrow("SELECT claimed_at, closed_at FROM approval_tasks WHERE id = $1", first["id"])
    assert stamps["claimed_at"] == sh("2026-12-07 10:00") and stamps["closed_at"] == sh("2026-12-07 12:00")

    second = await task_of(db, app_id)  # the review step's, opened by the decision
    assert second["id"] != first["id"]
    await db.execute("UPDATE approval_tasks SET due_on = $2 WHERE id = $1", second["id"], date(2026, 12, 8))
    job_clock = Clock(sh("2026-12-10 08:30"))  # two days late, by the job's clock
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        counts = await remind_approval_deadlines({"pool": pool, "clock": job_clock})
    finally:
        await pool.close()
    assert counts == {"reminded": 0, "escalated": 1}
    late = await db.fetchrow("SELECT escalated_at, reminded_at FROM approval_tasks WHERE id = $1", second["id"])
    assert late["escalated_at"] == sh("2026-12-10 08:30") == late["reminded_at"]
