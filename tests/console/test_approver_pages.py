"""Approver pages over HTTP: queue with deadlines, claim, materials, return with a checklist, batch."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.approvals.helpers import people, submitted, task_of
from tests.console.helpers import account, csrf, post, sign_in


async def _materials(db, app_id: int) -> None:
    await db.execute("INSERT INTO application_materials (application_id, material_code, name, required) VALUES "
                     "($1, 'parking_proof', '停车场地产权或租赁证明', true), ($1, 'safety_rules', '安全生产管理制度', true)",
                     app_id)


async def test_an_approver_claims_and_returns_a_case_for_one_missing_material(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await _materials(db, app_id)
    await account(db, phone="13900006001", roles=["approver"], steps=["accept"], name="受理员")
    await sign_in(client, "13900006001")

    queue = await client.get("/console/tasks")
    task = await task_of(db, app_id)
    assert queue.status_code == 200 and f'href="/console/tasks/{task["id"]}"' in queue.text
    assert "剩 " in queue.text and "个工作日" in queue.text  # the deadline, plainly
    assert "王*" in queue.text or "温州安达" in queue.text
    page = await client.get(f"/console/tasks/{task['id']}")
    assert "认领此待办" in page.text and "停车场地产权或租赁证明" in page.text
    # the form reads as the service guide words it, not as the API's field codes
    assert "<dt>企业名称</dt><dd>温州安达危险品运输有限公司</dd>" in page.text and "<dt>companyName</dt>" not in page.text

    claimed = await post(client, f"/console/tasks/{task['id']}/claim")
    assert claimed.status_code == 200 and "已认领" in claimed.text and "退回补正" in claimed.text
    done = await post(client, f"/console/tasks/{task['id']}/decision",
                      {"decision": "return", "missing": "parking_proof", "note_parking_proof": "租赁合同已过期",
                       "name_parking_proof": "停车场地产权或租赁证明", "reason": "材料不全"})
    assert done.status_code == 200 and "已退回补正" in done.text, done.text

    detail = (await client.get(f"/api/v1/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    assert detail["status"] == "needs_supplement"
    assert [(g["code"], g["message"]) for g in detail["gapNotice"]["gaps"]] == [("parking_proof", "租赁合同已过期")]


async def test_a_return_without_a_ticked_material_is_refused_and_changes_nothing(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await account(db, phone="13900006002", roles=["approver"], steps=["accept"])
    await sign_in(client, "13900006002")
    await client.get("/console/tasks")  # the queue opens the tasks
    task = await task_of(db, app_id)
    await post(client, f"/console/tasks/{task['id']}/claim")
    res = await post(client, f"/console/tasks/{task['id']}/decision", {"decision": "return"})
    assert res.status_code == 422 and "表单内容不正确" in res.text
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "submitted"


async def test_ticked_tasks_are_approved_in_one_batch(client, db):
    who = await people(client, db)
    ids = [await submitted(db, who["applicant_id"]) for _ in range(3)]
    await account(db, phone="13900006003", roles=["approver"], steps=["accept"])
    await sign_in(client, "13900006003")
    await client.get("/console/tasks")  # the queue opens the tasks
    tasks = [(await task_of(db, i))["id"] for i in ids]
    res = await client.post("/console/tasks/batch", content=urlencode([("task_id", t) for t in tasks[:2]]),
                            headers={**csrf(client), "hx-request": "true",
                                     "content-type": "application/x-www-form-urlencoded"})
    assert res.status_code == 200 and "已批量准予 2 件" in res.text, res.text
    statuses = [await db.fetchval("SELECT status FROM applications WHERE id = $1", i) for i in ids]
    assert statuses[2] == "submitted" and statuses[0] == statuses[1] != "submitted"


async def test_an_approver_of_another_step_cannot_open_the_task(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await account(db, phone="13900006004", roles=["approver"], steps=["decide"])
    await sign_in(client, "13900006004")
    await client.get("/console/tasks")
    task = await task_of(db, app_id)
    assert (await client.get(f"/console/tasks/{task['id']}")).status_code == 403


async def test_an_approver_cannot_claim_decide_or_batch_their_own_case_in_the_console(client, db):
    """Issue 17 item 2 through the console: the same rule as /api/v1/tasks (403 own_case)."""
    officer = await account(db, phone="13900006005", roles=["approver"], steps=["accept"], name="受理员")
    app_id = await submitted(db, officer)  # the approver's own account filed it
    await sign_in(client, "13900006005")
    await client.get("/console/tasks")  # the queue opens the task
    task = await task_of(db, app_id)
    claimed = await post(client, f"/console/tasks/{task['id']}/claim")
    assert claimed.status_code == 403 and "本人" in claimed.text, claimed.text
    decided = await post(client, f"/console/tasks/{task['id']}/decision", {"decision": "approve"})
    assert decided.status_code == 403 and "本人" in decided.text
    res = await client.post("/console/tasks/batch", content=urlencode([("task_id", task["id"])]),
                            headers={**csrf(client), "hx-request": "true",
                                     "content-type": "application/x-www-form-urlencoded"})
    assert res.status_code == 403 and "本人" in res.text
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "submitted"
    assert (await task_of(db, app_id))["status"] == "open"
