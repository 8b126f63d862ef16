"""The living demo (``zsb dev``, ``zsb demo-data --live``): every demo approver and the help desk
find work waiting, each status is shown, and seeding twice changes nothing."""

from __future__ import annotations

from api.demo.live import DEMO_APPLICANTS, seed_live
from api.seed import DEMO_STAFF

TABLES = ("applications", "application_events", "approval_tasks", "gap_notices", "appointments", "ratings",
          "complaints", "conversations", "chat_messages", "deliveries", "notifications", "users")


async def _counts(db) -> dict[str, int]:
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}


async def test_after_seeding_every_demo_approver_and_the_help_desk_have_a_queue_and_twice_changes_nothing(
        client, db, settings):
    made = await seed_live(settings)
    assert made["cases"] == 10 and made["chats"] == 2 and made["bookings"] == 2
    # issue 20: a 代办 awaiting the principal's SMS confirmation, a taxi registration awaiting the driver
    assert (made["agency_filings"], made["taxi_registrations"]) == (1, 1)
    assert [r["kind"] for r in await db.fetch("SELECT kind FROM agency_filings WHERE status = 'awaiting_confirmation' "
                                              "ORDER BY kind")] == ["person", "taxi"]
    # issue 23: an inspection pause, an automatic refusal under re-review, an urged case
    assert (made["pauses"], made["rereviews"], made["urgings"]) == (1, 1, 1)
    assert await db.fetchval("SELECT count(*) FROM case_pauses WHERE kind = 'inspection' AND ended_at IS NULL") == 1
    assert await db.fetchval("SELECT count(*) FROM review_rereviews WHERE status = 'open'") == 1
    assert await db.fetchval("SELECT count(*) FROM case_urgings WHERE answered_at IS NULL") == 1
    statuses = {r["status"] for r in await db.fetch("SELECT status FROM applications")}
    assert {"draft", "submitted", "needs_supplement", "in_review", "approved"} <= statuses
    assert await db.fetchval("SELECT count(*) FROM gap_notices") >= 2
    assert await db.fetchval("SELECT count(*) FROM deliveries WHERE status = 'shipped'") == 1
    assert await db.fetchval("SELECT count(*) FROM approval_tasks WHERE status = 'waiting_exam'") == 1
    assert await db.fetchval("SELECT count(*) FROM ratings WHERE level <= 2") == 1
    assert await db.fetchval("SELECT count(*) FROM complaints") == 1
    before = await _counts(db)

    for phone, password, name, roles, steps in DEMO_STAFF:
        login = await client.post("/api/v1/auth/staff-login", json={"phone": phone, "password": password})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        if "approver" in roles:
            page = (await client.get("/api/v1/tasks", headers=headers)).json()
            assert page["items"], f"{name}'s queue is empty"
        if "helpdesk" in roles:
            waiting = (await client.get("/api/v1/helpdesk/conversations", params={"status": "waiting"},
                                        headers=headers)).json()
            assert len(waiting) == 2 and {c["channel"] for c in waiting} == {"wechat"}
    for code, name, _ in DEMO_APPLICANTS:
        me = await client.post("/api/v1/auth/wechat", json={"code": code})
        assert me.status_code == 200

    assert await seed_live(settings) == {}
    assert await _counts(db) == before
