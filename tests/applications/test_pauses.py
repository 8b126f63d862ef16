"""Clocks that stop when the law says (FAQ F006, F044, F053, F076, F106): an exam, an on-site
inspection, a technical assessment and supplementing materials do not count against the promised
time limit — the expected finish date, the task's deadline, overdue flags, escalations and the
reform figure all use the paused clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arq import create_pool

from api import clock
from api.db import load_queries, rows
from api.workdays import add_workdays, workdays_between
from jobs import redis_settings
from tests.approvals.helpers import EXAM_FORM, people, submitted, task_of, through_to_exam
from tests.clock import sh, use_clock
from tests.factories import applicant, run_jobs, staff
from tests.ratings.helpers import finished_application

API = "/api/v1"
TASKS = f"{API}/tasks"


async def _in_review(client, db, who) -> tuple[int, int]:
    """A dangerous-goods case accepted by its approver, waiting at the review step: (case, task)."""
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    task = await task_of(db, app_id)
    assert task["step"] == "review"
    return app_id, task["id"]


async def _due(db, app_id: int, on: date) -> None:
    """The promised date (and so the task's deadline) as if the case had been accepted earlier."""
    await db.execute("UPDATE applications SET due_on = $2 WHERE id = $1", app_id, on)
    await db.execute("UPDATE approval_tasks SET due_on = $2 WHERE application_id = $1 "
                     "AND status IN ('open', 'claimed')", app_id, on)


async def test_an_inspection_pause_started_and_ended_by_the_approver_moves_the_dates_by_its_working_days(client, db):
    who = await people(client, db)
    app_id, task_id = await _in_review(client, db, who)
    await _due(db, app_id, date(2026, 3, 20))
    use_clock(client, "2026-03-10 10:00")  # a Tuesday
    res = await client.post(f"{TASKS}/{task_id}/pause", json={"kind": "inspection", "reason": "现场核查停车场"},
                            headers=who["review"]["headers"])
    assert res.status_code == 201, res.text
    assert res.json()["paused"] is True and res.json()["pauses"][0]["kindLabel"] == "现场核查"
    # a second pause while one is open, and the applicant acting as an approver, are refused
    again = await client.post(f"{TASKS}/{task_id}/pause", json={"kind": "assessment", "reason": "评估"},
                              headers=who["review"]["headers"])
    assert again.status_code == 409 and again.json()["code"] == "clock_already_paused"
    refused = await client.post(f"{TASKS}/{task_id}/pause", json={"kind": "inspection", "reason": "x"},
                                headers=who["applicant"]["headers"])
    assert refused.status_code == 403
    other_step = await client.post(f"{TASKS}/{task_id}/resume", headers=who["accept"]["headers"])
    assert other_step.status_code == 403 and other_step.json()["code"] == "step_not_yours"

    use_clock(client, "2026-03-16 15:00")  # four working days so far: the date moves while it stands still
    seen = (await client.get(f"{API}/applications/{app_id}/clock", headers=who["applicant"]["headers"])).json()
    assert seen["paused"] is True and seen["dueOn"] == "2026-03-26" and seen["pausedWorkdays"] == 4
    public_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)
    progress = await client.get(f"{API}/progress/{public_no}")  # 扫码查进度: no login, the same clock
    assert progress.status_code == 200 and progress.json()["dueOn"] == "2026-03-26", progress.text

    use_clock(client, "2026-03-17 11:00")  # (10 Mar, 17 Mar]: five working days
    res = await client.post(f"{TASKS}/{task_id}/resume", headers=who["review"]["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["paused"] is False and body["pausedWorkdays"] == 5
    assert body["dueOn"] == add_workdays(date(2026, 3, 20), 5).isoformat() == "2026-03-27"
    pause = body["pauses"][0]
    assert (pause["kind"], pause["workdays"], pause["startedBy"], pause["endedBy"]) == (
        "inspection", 5, who["review"]["user"]["id"], who["review"]["user"]["id"])
    row = await db.fetchrow("SELECT a.due_on, t.due_on AS task_due FROM applications a "
                            "JOIN approval_tasks t ON t.application_id = a.id AND t.id = $2 WHERE a.id = $1",
                            app_id, task_id)
    assert row["due_on"] == row["task_due"] == date(2026, 3, 27)
    again = await client.post(f"{TASKS}/{task_id}/resume", headers=who["review"]["headers"])
    assert again.status_code == 409 and again.json()["code"] == "clock_not_paused"
    # the applicant's detail: the timeline shows both ends, the date is the moved one
    detail = (await client.get(f"{API}/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    notes = [e["note"] for e in detail["timeline"] if e["kind"] == "pause"]
    assert notes == ["暂停计时：现场核查（现场核查停车场）", "恢复计时：现场核查暂停5个工作日，不计入办理时限"]
    assert detail["dueOn"] == "2026-03-27" and detail["pauses"][0]["workdays"] == 5


async def test_waiting_for_the_exam_pauses_the_clock_until_the_decision(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"], "taxi-driver-cert", form=EXAM_FORM, promised_days=3)
    task = await through_to_exam(client, db, who, app_id)
    pause = await db.fetchrow("SELECT * FROM case_pauses WHERE application_id = $1", app_id)
    assert pause["kind"] == "exam" and pause["ended_at"] is None and pause["started_by"] is None
    # as if the exam wait began on Tuesday 10 March with the case due on Friday 13 March
    await db.execute("UPDATE case_pauses SET started_at = $2 WHERE id = $1", pause["id"], sh("2026-03-10 10:00"))
    await db.execute("UPDATE applications SET due_on = '2026-03-13' WHERE id = $1", app_id)
    now = use_clock(client, "2026-03-17 10:00")
    seen = (await client.get(f"{API}/applications/{app_id}/clock", headers=who["applicant"]["headers"])).json()
    assert seen["paused"] is True and seen["pauses"][0]["kind"] == "exam"
    assert seen["dueOn"] == add_workdays(date(2026, 3, 13), 5).isoformat()  # moved by exactly the days waited
    # the approver cannot end the exam's pause (the task waits for the result); the result does
    res = await client.post(f"{TASKS}/{task['id']}/resume", headers=who["lead"]["headers"])
    assert res.status_code == 409 and res.json()["code"] == "task_closed"
    today = clock.local_day(now())  # the result is recorded by the app's clock, which ends the pause
    res = await client.post(f"{TASKS}/{task['id']}/exam-result",
                            json={"takenOn": today.isoformat(), "national": 95, "regional": 92},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200 and res.json()["status"] == "passed", res.text
    ended = await db.fetchrow("SELECT p.workdays, p.ended_at, a.due_on, a.status FROM case_pauses p "
                              "JOIN applications a ON a.id = p.application_id WHERE p.id = $1", pause["id"])
    waited = workdays_between(date(2026, 3, 10), today)
    assert ended["status"] == "approved" and ended["ended_at"] is not None and ended["workdays"] == waited
    assert ended["due_on"] == add_workdays(date(2026, 3, 13), waited)


async def _deadlines(settings, on: date) -> dict[str, int]:
    """The deadline job through the real queue, run by an arq worker on the given day."""
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        job = await arq.enqueue_job("remind_approval_deadlines")
        await run_jobs(settings, today=on)
        return await job.result(timeout=5)
    finally:
        await arq.aclose()


async def test_overdue_flags_and_escalations_wait_while_the_clock_stands_still(client, db, settings):
    who = await people(client, db)
    app_id, task_id = await _in_review(client, db, who)
    await _due(db, app_id, date(2026, 3, 12))  # a Thursday
    lead = await staff(client, db, phone="13900001005", roles=["approver", "lead"], steps=["review"])
    use_clock(client, "2026-03-10 10:00")
    res = await client.post(f"{TASKS}/{task_id}/pause", json={"kind": "assessment", "reason": "桥梁技术评估"},
                            headers=who["review"]["headers"])
    assert res.status_code == 201, res.text
    # past the old deadline while paused: neither overdue nor escalated
    assert await _deadlines(settings, date(2026, 3, 16)) == {"reminded": 0, "escalated": 0}
    listed = (await client.get(TASKS, params={"overdue": "true"}, headers=who["review"]["headers"])).json()["items"]
    assert listed == []
    mine = (await client.get(TASKS, headers=who["review"]["headers"])).json()["items"]
    assert [(i["id"], i["overdue"]) for i in mine] == [(task_id, False)]
    # the assessment took (10 Mar, 17 Mar] = five working days: due Thursday 19 March now
    use_clock(client, "2026-03-17 09:00")
    res = await client.post(f"{TASKS}/{task_id}/resume", headers=who["review"]["headers"])
    assert res.status_code == 200 and res.json()["dueOn"] == "2026-03-19", res.text
    assert await _deadlines(settings, date(2026, 3, 17)) == {"reminded": 0, "escalated": 0}
    assert await _deadlines(settings, date(2026, 3, 18)) == {"reminded": 1, "escalated": 0}
    assert await _deadlines(settings, date(2026, 3, 20)) == {"reminded": 0, "escalated": 1}
    assert await _deadlines(settings, date(2026, 3, 23)) == {"reminded": 0, "escalated": 0}  # once
    told = await db.fetch("SELECT DISTINCT user_id FROM notifications WHERE event = 'task_overdue'")
    assert lead["user"]["id"] in {r["user_id"] for r in told}


async def test_a_return_for_materials_pauses_until_the_resubmission(client, db):
    who = await people(client, db)
    app_id, task_id = await _in_review(client, db, who)
    res = await client.post(f"{TASKS}/{task_id}/decision", headers=who["review"]["headers"],
                            json={"decision": "return", "missing": [{"code": "x", "name": "停车场证明",
                                                                      "message": "请补交", "kind": "material"}]})
    assert res.status_code == 200, res.text
    pause = await db.fetchrow("SELECT * FROM case_pauses WHERE application_id = $1", app_id)
    assert pause["kind"] == "supplement" and pause["ended_at"] is None


async def test_the_reform_figure_leaves_out_the_paused_working_days(client, db):
    use_clock(client, "2026-11-02 10:00")
    uid = (await applicant(client, "zhang"))["user"]["id"]
    app_id = await finished_application(db, uid, submitted="2026-03-02 09:00", decided="2026-03-13 15:00")
    await finished_application(db, uid, submitted="2026-03-02 10:00", decided="2026-03-04 15:00")
    # an inspection from Wednesday 4 March to Monday 9 March: (4, 9] holds three working days
    await db.execute("INSERT INTO case_pauses (application_id, kind, started_at, ended_at, reason, workdays) "
                     "VALUES ($1, 'inspection', $2, $3, '现场核查', 3)", app_id, sh("2026-03-04 10:00"),
                     sh("2026-03-09 16:00"))
    admin = await staff(client, db, phone="13900009101", roles=["admin"])
    res = await client.get(f"{API}/stats/reform", params={"from": "2026-03-01", "to": "2026-03-31"},
                           headers=admin["headers"])
    assert res.status_code == 200, res.text
    total = res.json()["total"]
    assert total["decidedCases"] == 2
    assert total["averageWorkdaysToDecision"] == 4.0  # (9 - 3) and 2 working days
    assert total["p90WorkdaysToDecision"] == 6
    # the bench's straight computation over the source tables gives the same figure (its exactness check)
    straight = load_queries(Path(__file__).parents[2] / "bench" / "stats_reform.sql", "stats_reform.sql")
    rows_ = await rows(straight.direct_case_figures(db, period="month", from_ts=sh("2026-03-01 00:00"),
                                                    to_ts=sh("2026-04-01 00:00"), service_code=None,
                                                    first_day=date(2026, 2, 28), last_day=date(2026, 12, 31)))
    overall = next(r for r in rows_ if r["all_periods"] and r["all_services"])
    assert (overall["avg_workdays"], overall["p90_workdays"]) == (4.0, 6)
    # the incremental rollups equal a rebuild from the sources
    before = await db.fetch("SELECT * FROM stats_case_workdays WHERE cases <> 0 ORDER BY 1, 2, 3")
    await db.execute("SELECT stats_rebuild()")
    assert before == await db.fetch("SELECT * FROM stats_case_workdays WHERE cases <> 0 ORDER BY 1, 2, 3")
