"""One clock: an approver's decision dates what it changes by the app's clock (``api.clock``), not the
system's — the acceptance and its promised date, the next task's deadline, the timeline, the decision
day, the licence's issue and the on-site check due 30 days after the decision (F071)."""

from __future__ import annotations

from datetime import timedelta

from api.applications import service as applications
from api.clock import local_day
from api.workdays import add_workdays
from tests.applications.helpers import draft
from tests.approvals.helpers import DG_FORM, REPAIR_FORM, task_of
from tests.clock import use_clock
from tests.factories import applicant, staff

API = "/api/v1"


async def _filed(db, applicant_id: int, service_code: str, form: dict, promised_days: int, now) -> int:
    app = await draft(db, applicant_id, service_code, form=form, promised_days=promised_days)
    async with db.transaction():
        await applications.transition(db, app["id"], "submitted", actor_id=applicant_id, now=now)
    return app["id"]


async def _decide(client, db, who, app_id: int) -> dict:
    await client.get(f"{API}/tasks", headers=who["headers"])  # the queue opens the task
    task = await task_of(db, app_id)
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"}, headers=who["headers"])
    assert res.status_code == 200, res.text
    return res.json()


async def test_a_decision_dates_everything_by_the_app_clock(client, db):
    clock = use_clock(client, "2026-06-03 10:00")  # a Wednesday, long before the system's today
    day = local_day(clock())
    company = await applicant(client, "clock-co")
    acceptor = await staff(client, db, phone="13900003001", roles=["approver"], steps=["accept"])
    decider = await staff(client, db, phone="13900003002", roles=["approver"], steps=["decide"])

    # a middle step: accepted today by the clock, due 10 working days on, the review task due by it
    dg = await _filed(db, company["user"]["id"], "dangerous-goods-permit", DG_FORM, 10, clock())
    assert (await _decide(client, db, acceptor, dg))["applicationStatus"] == "accepted"
    case = await db.fetchrow("SELECT accepted_at, due_on FROM applications WHERE id = $1", dg)
    assert local_day(case["accepted_at"]) == day and case["due_on"] == add_workdays(day, 10)
    accepted = await db.fetchval("SELECT created_at FROM application_events WHERE application_id = $1 "
                                 "AND kind = 'status' AND to_status = 'accepted'", dg)
    assert accepted == clock()
    review = await task_of(db, dg)
    assert review["step"] == "review" and review["due_on"] == case["due_on"]

    # the last step: accepted and approved today by the clock, the receipt issued today, the check due in 30 days
    clock.advance(hours=1)
    repair = await _filed(db, company["user"]["id"], "repair-filing", REPAIR_FORM, 1, clock())
    await db.execute("UPDATE applications SET answers = $2 WHERE id = $1", repair, {"category": "class1"})
    decided = await _decide(client, db, decider, repair)
    assert decided["applicationStatus"] == "approved" and len(decided["licenceIds"]) == 1
    case = await db.fetchrow("SELECT accepted_at, decided_at, due_on FROM applications WHERE id = $1", repair)
    assert case["decided_at"] == clock() and case["accepted_at"] == clock()
    assert case["due_on"] == add_workdays(day, 1)
    times = await db.fetch("SELECT created_at FROM application_events WHERE application_id = $1 "
                           "AND kind IN ('status', 'licence') AND to_status IN ('accepted', 'approved')", repair)
    assert times and {t["created_at"] for t in times} == {clock()}
    licence = await db.fetchrow("SELECT issued_at, valid_from FROM licences WHERE id = $1", decided["licenceIds"][0])
    assert licence["issued_at"] == clock() and licence["valid_from"] == day
    checks = await client.get(f"{API}/applications/{repair}/site-checks", headers=company["headers"])
    assert checks.status_code == 200 and [c["dueOn"] for c in checks.json()] == [(day + timedelta(days=30)).isoformat()]
