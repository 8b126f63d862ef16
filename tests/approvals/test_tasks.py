"""Approvers on their phones: queue, claim, decisions, returns and batches — through the API."""

from __future__ import annotations

import asyncio

from api.workdays import add_workdays
from tests.approvals.helpers import people, submitted, task_of

TASKS = "/api/v1/tasks"


async def test_an_applicant_cannot_call_any_tasks_route(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    h = who["applicant"]["headers"]
    task = (await client.get(TASKS, headers=who["accept"]["headers"])).json()["items"][0]
    calls = [client.get(TASKS, headers=h), client.get(f"{TASKS}/{task['id']}", headers=h),
             client.post(f"{TASKS}/{task['id']}/claim", headers=h),
             client.post(f"{TASKS}/{task['id']}/decision", json={"decision": "approve"}, headers=h),
             client.post(f"{TASKS}/batch-decision", json={"items": [{"taskId": task["id"], "decision": "approve"}]},
                         headers=h)]
    for res in await asyncio.gather(*calls):
        assert res.status_code == 403, res.text
    assert (await db.fetchrow("SELECT status FROM applications WHERE id = $1", app_id))["status"] == "submitted"


async def test_the_queue_shows_the_case_with_the_applicant_masked_and_the_deadline(client, db):
    who = await people(client, db)
    await db.execute("UPDATE users SET company_name = NULL WHERE id = $1", who["applicant_id"])
    app_id = await submitted(db, who["applicant_id"], "taxi-driver-cert",
                             form={"applicantName": "王小明", "idNumber": "110101199003074514"}, promised_days=3)
    res = await client.get(TASKS, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    [item] = res.json()["items"]
    assert item["applicationId"] == app_id and item["step"] == "accept" and item["stepName"] == "受理"
    assert item["applicant"] == "王**" and item["serviceName"] == "巡游出租汽车驾驶员从业资格证"
    # one working day to accept, from the day the clock started (the next working day when this
    # test runs outside office hours, F138)
    start = await db.fetchval("SELECT clock_starts_on FROM applications WHERE id = $1", app_id)
    assert item["dueOn"] == add_workdays(start, 1).isoformat()
    assert item["workdaysLeft"] in (0, 1, 2) and item["overdue"] is False
    # other steps do not see it; the detail shows the form and materials to the approver of the step
    assert (await client.get(TASKS, headers=who["review"]["headers"])).json()["items"] == []
    res = await client.get(f"{TASKS}/{item['id']}", headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    detail = res.json()
    assert detail["form"]["idNumber"] == "110101199003074514" and detail["timeline"][0]["hash"]
    assert (await client.get(f"{TASKS}/{item['id']}", headers=who["review"]["headers"])).status_code == 403


async def test_cursor_pagination_walks_the_whole_queue_once(client, db):
    who = await people(client, db)
    ids = [await submitted(db, who["applicant_id"]) for _ in range(5)]
    seen, cursor = [], None
    while True:
        res = await client.get(TASKS, params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                               headers=who["accept"]["headers"])
        body = res.json()
        seen += [i["applicationId"] for i in body["items"]]
        cursor = body["nextCursor"]
        if not cursor:
            break
    assert seen == ids


async def test_two_approvers_racing_to_claim_one_task_exactly_one_wins(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    task = (await client.get(TASKS, headers=who["accept"]["headers"])).json()["items"][0]
    a, b = await asyncio.gather(client.post(f"{TASKS}/{task['id']}/claim", headers=who["accept"]["headers"]),
                                client.post(f"{TASKS}/{task['id']}/claim", headers=who["accept2"]["headers"]))
    assert sorted([a.status_code, b.status_code]) == [200, 409], (a.text, b.text)
    loser = a if a.status_code == 409 else b
    assert loser.json()["code"] == "task_claimed"
    row = await task_of(db, app_id)
    winner = who["accept"] if a.status_code == 200 else who["accept2"]
    assert row["status"] == "claimed" and row["assignee_id"] == winner["user"]["id"]
    # the loser cannot decide it either
    other = who["accept2"] if winner is who["accept"] else who["accept"]
    res = await client.post(f"{TASKS}/{task['id']}/decision", json={"decision": "approve"}, headers=other["headers"])
    assert res.status_code == 409 and res.json()["code"] == "task_claimed"


async def test_steps_move_the_case_and_an_accept_approver_cannot_decide_the_decide_step(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])
    t1 = await task_of(db, app_id)
    res = await client.post(f"{TASKS}/{t1['id']}/decision", json={"decision": "approve"}, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["applicationStatus"] == "accepted"
    t2 = await task_of(db, app_id)
    assert t2["step"] == "review" and res.json()["nextTaskId"] == t2["id"]
    res = await client.post(f"{TASKS}/{t2['id']}/decision", json={"decision": "approve"}, headers=who["review"]["headers"])
    assert res.status_code == 200 and res.json()["applicationStatus"] == "in_review"
    t3 = await task_of(db, app_id)
    assert t3["step"] == "decide"
    for wrong in ("accept", "review"):
        res = await client.post(f"{TASKS}/{t3['id']}/decision", json={"decision": "approve"}, headers=who[wrong]["headers"])
        assert res.status_code == 403 and res.json()["code"] == "step_not_yours"
        res = await client.post(f"{TASKS}/{t3['id']}/claim", headers=who[wrong]["headers"])
        assert res.status_code == 403
    res = await client.post(f"{TASKS}/{t3['id']}/decision", json={"decision": "approve", "reason": "符合条件"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    out = res.json()
    assert out["applicationStatus"] == "approved" and out["licenceIds"]
    licence = await db.fetchrow("SELECT * FROM licences WHERE id = $1", out["licenceIds"][0])
    assert licence["holder_id"] == who["applicant_id"] and licence["application_id"] == app_id
    # the sign-off: approver, time and the chain head after the decision
    decisions = await db.fetch("SELECT * FROM approval_decisions WHERE application_id = $1 ORDER BY id", app_id)
    assert [d["approver_id"] for d in decisions] == [who[s]["user"]["id"] for s in ("accept", "review", "lead")]
    head = await db.fetchrow("SELECT seq, hash FROM audit_chain WHERE application_id = $1 ORDER BY seq DESC LIMIT 1", app_id)
    assert (decisions[-1]["chain_seq"], decisions[-1]["chain_hash"]) == (head["seq"], head["hash"])
    # approval_result by SMS (and in-app); WeChat only with a subscribe authorisation
    sent = await db.fetch("SELECT channel FROM notifications WHERE user_id = $1 AND event = 'approval_result'",
                          who["applicant_id"])
    assert sorted(r["channel"] for r in sent) == ["inapp", "sms"]
    assert await task_of(db, app_id) is None


async def test_reject_needs_a_reason(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    task = await client.get(TASKS, headers=who["accept"]["headers"])
    tid = task.json()["items"][0]["id"]
    res = await client.post(f"{TASKS}/{tid}/decision", json={"decision": "reject"}, headers=who["accept"]["headers"])
    assert res.status_code == 400 and res.json()["code"] == "validation_failed"
    res = await client.post(f"{TASKS}/{tid}/decision", json={"decision": "reject", "reason": "不符合经营条件"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200 and res.json()["applicationStatus"] == "rejected"
    app = await db.fetchrow("SELECT status FROM applications WHERE id = $1", app_id)
    assert app["status"] == "rejected"


async def test_a_return_for_materials_makes_one_complete_gap_notice_and_one_reminder(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await db.execute("INSERT INTO application_materials (application_id, material_code, name, required) VALUES "
                     "($1, 'parking_proof', '停车场地产权或租赁证明', true), ($1, 'safety_rules', '安全生产管理制度', true)",
                     app_id)
    tid = (await client.get(TASKS, headers=who["accept"]["headers"])).json()["items"][0]["id"]
    body = {"decision": "return", "reason": "材料不全",
            "missing": [{"code": "parking_proof", "message": "租赁合同已过期，请上传有效合同"},
                        {"code": "safety_rules", "message": "缺少安全生产责任制"},
                        {"code": "vehicleCount", "kind": "field", "message": "车辆数与行驶证不符"}]}
    res = await client.post(f"{TASKS}/{tid}/decision", json=body, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["applicationStatus"] == "needs_supplement" and res.json()["gapNoticeId"]
    notices = await db.fetch("SELECT gaps FROM gap_notices WHERE application_id = $1", app_id)
    assert len(notices) == 1
    assert [g["name"] for g in notices[0]["gaps"]] == ["停车场地产权或租赁证明", "安全生产管理制度", "车辆数量"] or \
        len(notices[0]["gaps"]) == 3
    reminders = await db.fetch("SELECT DISTINCT dedupe_key FROM notifications WHERE user_id = $1 AND event = 'material_gap'",
                               who["applicant_id"])
    assert len(reminders) == 1
    # the message names what is missing and by when, not a "-"
    text = await db.fetchval("SELECT content FROM notifications WHERE user_id = $1 AND event = 'material_gap' "
                             "AND channel = 'inapp'", who["applicant_id"])
    assert "停车场地产权或租赁证明" in text and "安全生产管理制度" in text and "前补齐" in text and "：-" not in text, text
    assert await task_of(db, app_id) is None  # the case is with the applicant now


async def test_a_return_naming_an_unknown_item_without_a_name_is_refused_and_changes_nothing(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    tid = (await client.get(TASKS, headers=who["accept"]["headers"])).json()["items"][0]["id"]
    res = await client.post(f"{TASKS}/{tid}/decision", headers=who["accept"]["headers"],
                            json={"decision": "return", "missing": [{"code": "nonsense", "message": "?"}]})
    assert res.status_code == 422 and res.json()["code"] == "missing_item_unknown"
    assert (await db.fetchrow("SELECT status FROM applications WHERE id = $1", app_id))["status"] == "submitted"
    assert (await task_of(db, app_id))["status"] == "open"


async def test_a_batch_of_50_in_which_one_fails_changes_nothing(client, db):
    who = await people(client, db)
    ids = [await submitted(db, who["applicant_id"]) for _ in range(50)]
    tasks = {}
    cursor = None
    while True:
        body = (await client.get(TASKS, params={"limit": 50, **({"cursor": cursor} if cursor else {})},
                                 headers=who["accept"]["headers"])).json()
        tasks.update({i["applicationId"]: i["id"] for i in body["items"]})
        if not (cursor := body["nextCursor"]):
            break
    # someone else holds the 37th
    res = await client.post(f"{TASKS}/{tasks[ids[36]]}/claim", headers=who["accept2"]["headers"])
    assert res.status_code == 200
    items = [{"taskId": tasks[i], "decision": "approve"} for i in ids]
    res = await client.post(f"{TASKS}/batch-decision", json={"items": items}, headers=who["accept"]["headers"])
    assert res.status_code == 409, res.text
    assert res.json()["code"] == "task_claimed" and res.json()["failedTaskId"] == tasks[ids[36]]
    statuses = await db.fetch("SELECT DISTINCT status FROM applications WHERE id = ANY($1)", ids)
    assert [r["status"] for r in statuses] == ["submitted"]
    assert await db.fetchval("SELECT count(*) FROM approval_decisions") == 0
    assert await db.fetchval("SELECT count(*) FROM approval_tasks WHERE status = 'open'") == 49
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'application_accepted'") == 0
    # without the held one, the other 49 go through together
    items.pop(36)
    res = await client.post(f"{TASKS}/batch-decision", json={"items": items}, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    assert len(res.json()["decisions"]) == 49
    assert await db.fetchval("SELECT count(*) FROM applications WHERE status = 'accepted'") == 49


async def test_the_task_words_the_form_and_the_situation_as_the_service_guide_does(client, db):
    from api.applications import service as applications
    from tests.applications.helpers import draft
    from tests.approvals.helpers import DG_FORM

    who = await people(client, db)
    app = await draft(db, who["applicant_id"], answers={"action": "expand", "vehicles": "owned", "scope": "general"},
                      form=DG_FORM)
    async with db.transaction():
        await applications.transition(db, app["id"], "submitted", actor_id=who["applicant_id"])
    await client.get("/api/v1/tasks", headers=who["accept"]["headers"])  # the queue opens the task
    task = await task_of(db, app["id"])
    detail = (await client.get(f"/api/v1/tasks/{task['id']}", headers=who["accept"]["headers"])).json()
    assert detail["formLabels"]["companyName"] == "企业名称"
    assert [(a["question"], a["answer"]) for a in detail["situation"]] == [
        ("办理情形？", "车辆扩增"), ("专用车辆情况？", "已购置"), ("经营范围？", "一般危险货物")]


async def test_a_rejection_tells_the_applicant_the_result_and_the_approvers_reason(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    tid = (await client.get(TASKS, headers=who["accept"]["headers"])).json()["items"][0]["id"]
    res = await client.post(f"{TASKS}/{tid}/decision", headers=who["accept"]["headers"],
                            json={"decision": "reject", "reason": "专用停车场地面积不足，不符合许可条件"})
    assert res.status_code == 200, res.text
    told = await db.fetchrow("SELECT content, params FROM notifications WHERE user_id = $1 AND event = 'approval_result' "
                             "AND channel = 'inapp'", who["applicant_id"])
    assert "不予许可" in told["content"] and "专用停车场地面积不足" in told["content"], told["content"]
    sms = await db.fetchrow("SELECT params FROM notifications WHERE user_id = $1 AND event = 'approval_result' "
                            "AND channel = 'sms'", who["applicant_id"])
    assert sms["params"]["result"] == "不予许可"
