"""Issue 23 in the console: F051's manual re-review (the open requests with the automatic review's
failed checks; uphold or override ticked checks, a reason either way) and F109's 催办 (a lead's 效能督查
list and an approver's unanswered urgings, each answered in 1 working day) — through the same
services as /api/v1/rereviews and /api/v1/urgings, scoped as they are."""

from __future__ import annotations

import re
from datetime import date

from arq import create_pool

from jobs import redis_settings
from tests.applications.bulky import NOW, bulky_case, carrier
from tests.approvals.helpers import people, submitted, task_of
from tests.clock import use_clock
from tests.console.helpers import post, sign_in
from tests.factories import run_jobs, staff

API = "/api/v1"
DRIVER = "people.driver_qualification"


def _ids(html: str, kind: str) -> list[int]:
    return [int(i) for i in re.findall(rf'data-{kind}="(\d+)"', html)]


async def test_an_approver_overrides_a_failed_check_in_the_console_and_the_applicant_is_told(client, db):
    use_clock(client, NOW)  # Monday 8 June 2026, 10:00
    me = await carrier(client, db, "rr-console", driver_until=date(2026, 6, 1))  # the library's copy expired
    app_id = await bulky_case(client, me["headers"])
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text
    approver = await staff(client, db, phone="13900002301", roles=["approver"], steps=["accept"])
    await staff(client, db, phone="13900002302", roles=["approver"], steps=["other_step"])
    res = await client.post(f"{API}/applications/{app_id}/rereview", headers=me["headers"],
                            json={"reason": "驾驶员资格证已换发，库内信息未更新"})
    assert res.status_code == 201, res.text
    rereview_id = res.json()["id"]
    listed = (await client.get(f"{API}/rereviews", headers=approver["headers"])).json()
    assert [(r["id"], [c["code"] for c in r["failedChecks"]]) for r in listed] == [(rereview_id, [DRIVER])]
    driver_check = listed[0]["failedChecks"][0]

    # an approver of no step of the service neither sees nor decides it
    await sign_in(client, "13900002302")
    page = await client.get("/console/rereviews")
    assert page.status_code == 200 and _ids(page.text, "rereview") == []
    refused = await post(client, f"/console/rereviews/{rereview_id}/decision",
                         {"outcome": "override", "checks": DRIVER, "reason": "核实有效"})
    assert refused.status_code == 403 and "办理该事项审批环节" in refused.text, refused.text

    client.cookies.clear()
    await sign_in(client, "13900002301")
    page = await client.get("/console/rereviews")
    assert page.status_code == 200 and "人工复核" in page.text and 'href="/console/rereviews"' in page.text
    assert _ids(page.text, "rereview") == [rereview_id]
    for shown in (listed[0]["publicNo"], "大件运输", "驾驶员资格证已换发，库内信息未更新", "2026-06-09",
                  driver_check["name"], driver_check["reason"], f'name="checks" value="{DRIVER}"'):
        assert shown in page.text, shown

    no_reason = await post(client, f"/console/rereviews/{rereview_id}/decision", {"outcome": "uphold", "reason": " "})
    assert no_reason.status_code == 422 and "请填写理由" in no_reason.text, no_reason.text
    nothing_ticked = await post(client, f"/console/rereviews/{rereview_id}/decision", {"outcome": "override"})
    assert nothing_ticked.status_code == 422, nothing_ticked.text
    assert "勾选至少一项" in nothing_ticked.text and "请填写理由" in nothing_ticked.text  # both at once
    done = await post(client, f"/console/rereviews/{rereview_id}/decision",
                      {"outcome": "override", "checks": DRIVER, "reason": "已电话核实新证有效"})
    assert done.status_code == 200 and "已告知申请人" in done.text and "改判为通过" in done.text, done.text
    again = await post(client, f"/console/rereviews/{rereview_id}/decision", {"outcome": "uphold", "reason": "维持"})
    assert again.status_code == 409

    detail = (await client.get(f"{API}/applications/{app_id}", headers=me["headers"])).json()
    assert [(r["status"], r["overridden"], r["answer"]) for r in detail["rereviews"]] == [
        ("overridden", [DRIVER], "已电话核实新证有效")]
    told = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'rereview_answered' "
                             "AND channel = 'inapp'")
    assert told["user_id"] == me["id"] and driver_check["name"] in told["params"]["result"]
    assert _ids((await client.get("/console/rereviews")).text, "rereview") == []
    # submitted again, the case reaches the approver's queue: its task page shows the re-review's outcome
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "submitted", res.text
    await client.get(f"{API}/tasks", headers=approver["headers"])  # the queue opens the task
    task = await client.get(f"/console/tasks/{(await task_of(db, app_id))['id']}")
    assert task.status_code == 200 and 'id="case-rereviews"' in task.text, task.text
    assert "已改判" in task.text and "复核理由：已电话核实新证有效" in task.text


async def _escalate(settings, on: date) -> None:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        job = await arq.enqueue_job("escalate_overdue_answers")
        await run_jobs(settings, today=on)
        assert (await job.result(timeout=5))["urgings"] == 1
    finally:
        await arq.aclose()


async def test_a_lead_answers_an_urging_in_the_console_and_an_approver_of_another_step_cannot(client, db, settings):
    who = await people(client, db)
    await staff(client, db, phone="13900002311", roles=["approver", "lead"], steps=["review"])
    app_id = await submitted(db, who["applicant_id"])
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])
    res = await client.post(f"{API}/tasks/{(await task_of(db, app_id))['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    await db.execute("UPDATE applications SET due_on = '2026-03-12' WHERE id = $1", app_id)  # a Thursday
    use_clock(client, "2026-03-13 09:00")
    res = await client.post(f"{API}/applications/{app_id}/urge", headers=who["applicant"]["headers"])
    assert res.status_code == 201, res.text
    urging_id = res.json()["id"]
    assert res.json()["dueOn"] == "2026-03-16" and res.json()["stepName"]

    # the approver holding the step sees it to answer, and on the case's task page
    await sign_in(client, "13900001003")
    page = await client.get("/console/urgings")
    assert page.status_code == 200 and "待我答复的催办" in page.text and "效能督查：被催办的在办件" not in page.text
    assert _ids(page.text, "urging") == [urging_id] and "2026-03-16" in page.text and "1个工作日" in page.text
    task = await client.get(f"/console/tasks/{(await task_of(db, app_id))['id']}")
    assert task.status_code == 200 and f'data-urging="{urging_id}"' in task.text and "答复申请人" in task.text

    # an approver of another step: not listed, and refused as the API refuses
    client.cookies.clear()
    await sign_in(client, "13900001001")
    assert _ids((await client.get("/console/urgings")).text, "urging") == []
    refused = await post(client, f"/console/urgings/{urging_id}/answer", {"text": "已处理"})
    assert refused.status_code == 403 and "答复催办" in refused.text, refused.text
    # a lead of another step: not in their supervision list either
    client.cookies.clear()
    await sign_in(client, "13900001004")
    page = await client.get("/console/urgings")
    assert "效能督查：被催办的在办件" in page.text and _ids(page.text, "urging") == []

    # unanswered on Monday 16 March: escalated on Tuesday, marked on the lead's 效能督查 list
    await _escalate(settings, date(2026, 3, 17))
    use_clock(client, "2026-03-17 09:00")
    client.cookies.clear()
    await sign_in(client, "13900002311")
    page = await client.get("/console/urgings")
    assert page.status_code == 200 and "效能督查：被催办的在办件" in page.text and 'href="/console/urgings"' in page.text
    assert _ids(page.text, "urging") == [urging_id]
    assert "已超期" in page.text and "已提醒负责人" in page.text
    empty = await post(client, f"/console/urgings/{urging_id}/answer", {"text": "  "})
    assert empty.status_code == 422 and "请填写答复内容" in empty.text, empty.text
    done = await post(client, f"/console/urgings/{urging_id}/answer", {"text": "现场核查已完成，3月19日前出具结果"})
    assert done.status_code == 200 and "已答复" in done.text and "现场核查已完成" in done.text, done.text
    assert 'name="text"' not in done.text
    again = await post(client, f"/console/urgings/{urging_id}/answer", {"text": "再答复"})
    assert again.status_code == 409

    mine = (await client.get(f"{API}/applications/{app_id}/urgings", headers=who["applicant"]["headers"])).json()
    assert [(u["id"], u["answer"]) for u in mine] == [(urging_id, "现场核查已完成，3月19日前出具结果")]
    told = await db.fetchrow("SELECT user_id FROM notifications WHERE event = 'urge_answered' AND channel = 'inapp'")
    assert told["user_id"] == who["applicant_id"]
