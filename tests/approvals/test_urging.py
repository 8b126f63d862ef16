"""FAQ F109 催办: only after the expected finish date, once per working day; the approver holding
the step and the leads are told at once; answered within 1 working day (escalated once if not), the
answer visible to the applicant; the urged cases listed for leads (效能督查)."""

from __future__ import annotations

from datetime import date

from arq import create_pool

from jobs import redis_settings
from tests.approvals.helpers import people, submitted, task_of
from tests.clock import sh, use_clock
from tests.factories import run_jobs, staff

API = "/api/v1"
TASKS = f"{API}/tasks"


async def _escalations(settings, on: date) -> dict[str, int]:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        job = await arq.enqueue_job("escalate_overdue_answers")
        await run_jobs(settings, today=on, clock=lambda: sh(f"{on} 09:00"))  # the job's clock: 09:00 that day
        return await job.result(timeout=5)
    finally:
        await arq.aclose()


async def test_urging_after_the_expected_date_once_a_day_answered_or_escalated_once(client, db, settings):
    who = await people(client, db)
    lead = await staff(client, db, phone="13900001007", roles=["approver", "lead"], steps=["review"])
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    await db.execute("UPDATE applications SET due_on = '2026-03-12' WHERE id = $1", app_id)  # a Thursday
    url = f"{API}/applications/{app_id}/urge"

    use_clock(client, "2026-03-12 16:00")  # the expected day itself: not yet
    res = await client.post(url, headers=who["applicant"]["headers"])
    assert res.status_code == 409 and res.json()["code"] == "urge_too_early" and res.json()["dueOn"] == "2026-03-12"
    use_clock(client, "2026-03-13 09:00")
    res = await client.post(url, headers=who["applicant"]["headers"])
    assert res.status_code == 201, res.text
    urged = res.json()
    assert (urged["urgedOn"], urged["dueOn"], urged["step"]) == ("2026-03-13", "2026-03-16", "review")
    again = await client.post(url, headers=who["applicant"]["headers"])
    assert again.status_code == 409 and again.json()["code"] == "urged_today"
    stranger = await client.post(url, headers=who["review"]["headers"])
    assert stranger.status_code == 404
    told = {r["user_id"] for r in await db.fetch("SELECT user_id FROM notifications WHERE event = 'case_urged' "
                                                 "AND channel = 'inapp'")}
    assert {who["review"]["user"]["id"], lead["user"]["id"]} <= told and who["accept"]["user"]["id"] not in told

    listed = await client.get(f"{API}/urgings", headers=lead["headers"])
    assert listed.status_code == 200 and [u["applicationId"] for u in listed.json()] == [app_id]
    assert (await client.get(f"{API}/urgings", headers=who["review"]["headers"])).status_code == 403

    # not answered by Monday 16 March: escalated once on Tuesday
    assert (await _escalations(settings, date(2026, 3, 16)))["urgings"] == 0
    assert (await _escalations(settings, date(2026, 3, 17)))["urgings"] == 1
    assert (await _escalations(settings, date(2026, 3, 18)))["urgings"] == 0
    # stamped by the job's clock, not the database's
    assert await db.fetchval("SELECT escalated_at FROM case_urgings WHERE id = $1", urged["id"]) == sh("2026-03-17 09:00")
    overdue = await db.fetch("SELECT user_id FROM notifications WHERE event = 'urge_overdue' AND channel = 'inapp'")
    assert lead["user"]["id"] in {r["user_id"] for r in overdue}

    # on the approvers' phones: the step's approver finds it to answer, another step's does not
    to_answer = await client.get(f"{API}/urgings/to-answer", headers=who["review"]["headers"])
    assert to_answer.status_code == 200 and [u["id"] for u in to_answer.json()] == [urged["id"]], to_answer.text
    assert to_answer.json()[0]["escalated"] is True
    assert (await client.get(f"{API}/urgings/to-answer", headers=who["accept"]["headers"])).json() == []
    assert (await client.get(f"{API}/urgings/to-answer", headers=who["applicant"]["headers"])).status_code == 403

    answer_url = f"{API}/urgings/{urged['id']}/answer"
    other = await client.post(answer_url, json={"text": "已处理"}, headers=who["accept"]["headers"])
    assert other.status_code == 403 and other.json()["code"] == "urging_not_yours"
    res = await client.post(answer_url, json={"text": "现场核查已完成，3月19日前出具结果"}, headers=who["review"]["headers"])
    assert res.status_code == 200 and res.json()["answer"] == "现场核查已完成，3月19日前出具结果", res.text
    mine = (await client.get(f"{API}/applications/{app_id}/urgings", headers=who["applicant"]["headers"])).json()
    assert mine[0]["answer"] == "现场核查已完成，3月19日前出具结果" and mine[0]["escalated"] is True
    answered = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'urge_answered' "
                                 "AND channel = 'inapp'")
    assert answered["user_id"] == who["applicant_id"] and "3月19日" in answered["params"]["text"]
    assert (await client.get(f"{API}/urgings/to-answer", headers=who["review"]["headers"])).json() == []
    # the next working day the applicant may urge again
    use_clock(client, "2026-03-16 09:00")
    res = await client.post(url, headers=who["applicant"]["headers"])
    assert res.status_code == 201 and res.json()["urgedOn"] == "2026-03-16", res.text
