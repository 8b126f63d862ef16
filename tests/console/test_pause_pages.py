"""The approver stops and restarts a case's clock from the console's task page (现场核查, F076/F106)."""

from __future__ import annotations

from tests.approvals.helpers import people, submitted, task_of
from tests.clock import use_clock
from tests.console.helpers import post, sign_in


async def test_an_approver_pauses_and_resumes_the_clock_from_the_task_page(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get("/api/v1/tasks", headers=who["accept"]["headers"])
    res = await client.post(f"/api/v1/tasks/{(await task_of(db, app_id))['id']}/decision",
                            json={"decision": "approve"}, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    task = await task_of(db, app_id)
    await db.execute("UPDATE applications SET due_on = '2026-03-20' WHERE id = $1", app_id)
    await db.execute("UPDATE approval_tasks SET due_on = '2026-03-20' WHERE id = $1", task["id"])
    await sign_in(client, "13900001003")  # the review step's approver
    use_clock(client, "2026-03-10 10:00")
    page = await client.get(f"/console/tasks/{task['id']}")
    assert page.status_code == 200 and "暂停计时" in page.text and "预计办结日期：2026-03-20" in page.text
    paused = await post(client, f"/console/tasks/{task['id']}/pause", {"kind": "inspection", "reason": "现场核查停车场"})
    assert paused.status_code == 200 and "已暂停计时" in paused.text and "结束暂停，恢复计时" in paused.text, paused.text
    use_clock(client, "2026-03-17 10:00")  # five working days later
    resumed = await post(client, f"/console/tasks/{task['id']}/resume")
    assert resumed.status_code == 200 and "预计办结日期 2026-03-27" in resumed.text, resumed.text
    timeline = await db.fetch("SELECT note FROM application_events WHERE application_id = $1 AND kind = 'pause' "
                              "ORDER BY id", app_id)
    assert [r["note"][:4] for r in timeline] == ["暂停计时", "恢复计时"]


async def test_an_approver_answers_the_applicants_message_in_the_console(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get("/api/v1/tasks", headers=who["accept"]["headers"])
    res = await client.post(f"/api/v1/tasks/{(await task_of(db, app_id))['id']}/decision",
                            json={"decision": "approve"}, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    task = await task_of(db, app_id)
    res = await client.post(f"/api/v1/applications/{app_id}/messages", json={"text": "车辆数填错了"},
                            headers=who["applicant"]["headers"])
    assert res.status_code == 201, res.text
    await sign_in(client, "13900001003")
    page = await client.get(f"/console/tasks/{task['id']}")
    assert page.status_code == 200 and "车辆数填错了" in page.text and "回复申请人" in page.text
    done = await post(client, f"/console/tasks/{task['id']}/messages", {"text": "将退回补正供您修改"})
    assert done.status_code == 200 and "已回复申请人" in done.text and "将退回补正供您修改" in done.text, done.text
    thread = (await client.get(f"/api/v1/applications/{app_id}/messages", headers=who["applicant"]["headers"])).json()
    assert [m["sender"] for m in thread] == ["申请人", "审批人员（审核）"]
