"""F144's 5 working days, watched by the cron job through the real queue with a controllable clock."""

from __future__ import annotations

from arq import create_pool

from jobs import redis_settings
from tests.complaints.helpers import API, citizen, file, handler
from tests.factories import run_jobs
from tests.clock import Clock, sh, use_clock


async def _watch(settings, clock: Clock) -> None:
    arq = await create_pool(redis_settings(settings.redis_url))
    try:
        await arq.enqueue_job("watch_complaint_deadlines")
    finally:
        await arq.aclose()
    await run_jobs(settings, clock=clock)


async def _sent(db, event: str) -> list[tuple[int, str]]:
    rows = await db.fetch("SELECT user_id, dedupe_key FROM notifications WHERE event = $1 AND channel = 'inapp' "
                          "ORDER BY id", event)
    return [(r["user_id"], r["dedupe_key"]) for r in rows]


async def test_an_unanswered_complaint_is_reminded_on_its_last_day_then_flagged_and_escalated_once(client, db, settings):
    use_clock(client, "2026-06-05 16:00")  # Friday; due on the 5th working day after: Friday 12 June
    zhang = await citizen(client, "zhang")
    admin = await handler(client, db)
    handler_b = await handler(client, db, phone="13900001004", roles=["admin"], name="处理人")
    lead = await handler(client, db, phone="13900001005", roles=["lead"], name="分管领导")
    late = await file(client, zhang)
    answered = await file(client, zhang, text="另一件投诉，会按时答复。")
    assert late["dueOn"] == "2026-06-12"
    await client.post(f"{API}/admin/complaints/{late['id']}/assign", json={"assigneeId": handler_b["user"]["id"]},
                      headers=admin["headers"])
    await client.post(f"{API}/admin/complaints/{answered['id']}/answer", json={"text": "已核实并整改。"},
                      headers=admin["headers"])

    clock = Clock(sh("2026-06-11 18:00"))  # the day before: nothing yet
    await _watch(settings, clock)
    assert await _sent(db, "task_due_soon") == [] and await _sent(db, "complaint_overdue") == []

    clock.now = sh("2026-06-12 09:02")  # the last day: the handler is reminded
    await _watch(settings, clock)
    assert await _sent(db, "task_due_soon") == [(handler_b["user"]["id"], f"complaint_reminder:{late['id']}:"
                                                  f"{handler_b['user']['id']}")]
    row = await db.fetchrow("SELECT * FROM complaints WHERE id = $1", late["id"])
    assert row["reminded_at"] is not None and row["overdue_at"] is None

    clock.now = sh("2026-06-15 00:17")  # Monday: past the deadline -> flagged, handler and lead told
    await _watch(settings, clock)
    await _watch(settings, clock)  # the cron fires again: nothing more
    clock.now = sh("2026-06-16 09:00")
    await _watch(settings, clock)
    leads = [r["id"] for r in await db.fetch("SELECT id FROM users WHERE 'lead' = ANY(roles)")]
    assert lead["user"]["id"] in leads and admin["user"]["id"] not in leads
    assert sorted(u for u, _ in await _sent(db, "complaint_overdue")) == sorted([handler_b["user"]["id"], *leads])
    assert len(await _sent(db, "task_due_soon")) == 1
    row = await db.fetchrow("SELECT * FROM complaints WHERE id = $1", late["id"])
    assert row["overdue_at"] is not None and row["escalated_at"] is not None
    kinds = [r["kind"] for r in await db.fetch("SELECT kind FROM complaint_events WHERE complaint_id = $1 ORDER BY id",
                                               late["id"])]
    assert kinds == ["received", "assigned", "reminded", "overdue", "escalated"]
    flagged = (await client.get(f"{API}/admin/complaints?overdue=true", headers=admin["headers"])).json()
    assert [c["id"] for c in flagged] == [late["id"]] and flagged[0]["overdue"] is True
    # the answered one was never chased
    assert await db.fetchval("SELECT reminded_at IS NULL AND overdue_at IS NULL FROM complaints WHERE id = $1",
                             answered["id"])

    # an answer after the deadline is recorded as late
    use_clock(client, "2026-06-16 10:00")
    res = await client.post(f"{API}/admin/complaints/{late['id']}/answer", json={"text": "迟复致歉，已整改。"},
                            headers=handler_b["headers"])
    assert res.status_code == 200 and res.json()["answeredLate"] is True
