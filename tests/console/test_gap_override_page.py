"""F096 in the console: after a 一次性告知, a lead returning the case again may add items the notice had
not named — only by ticking the override with a reason (required); the addition is flagged on the
case, told to the applicant and counted in the admin's figure (GET /stats/rights)."""

from __future__ import annotations

from api.applications import service as applications
from api.db import discard_after_commit
from tests.approvals.helpers import people, submitted, task_of
from tests.console.helpers import post, sign_in
from tests.factories import staff

API = "/api/v1"
TASKS = f"{API}/tasks"
PARKING = {"code": "parking_proof", "name": "停车场地产权或租赁证明", "message": "请上传有效期内的租赁合同"}


async def _returned_once_and_resubmitted(client, db, who) -> int:
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision",
                            json={"decision": "return", "missing": [PARKING]}, headers=who["review"]["headers"])
    assert res.status_code == 200, res.text
    async with db.transaction():  # the applicant resubmits
        app = await applications.lock(db, app_id)
        await applications.move(db, app, app["resume_status"], actor_id=who["applicant_id"], note="补正后重新提交",
                                data=None, notify_applicant=False)
    discard_after_commit(db)
    await client.get(TASKS, headers=who["review"]["headers"])
    return app_id


async def test_a_lead_adds_an_item_after_the_notice_only_with_a_reason_in_the_console(client, db):
    who = await people(client, db)
    lead = await staff(client, db, phone="13900001016", roles=["approver", "lead"], steps=["review"])
    admin = await staff(client, db, phone="13900009111", roles=["admin"])
    app_id = await _returned_once_and_resubmitted(client, db, who)
    task_id = (await task_of(db, app_id))["id"]

    await sign_in(client, "13900001016")
    claimed = await post(client, f"/console/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and "补充告知（负责人确认）" in claimed.text, claimed.text
    form = {"decision": "return", "missing": "staff_list", "name_staff_list": "驾驶员、押运人员名单",
            "note_staff_list": "请补充押运人员名单"}
    refused = await post(client, f"/console/tasks/{task_id}/decision", form)
    assert refused.status_code == 409 and "一次性告知" in refused.text, refused.text
    no_reason = await post(client, f"/console/tasks/{task_id}/decision", {**form, "gap_override": "1"})
    assert no_reason.status_code == 422 and "须填写理由" in no_reason.text, no_reason.text
    assert await db.fetchval("SELECT count(*) FROM gap_notice_additions WHERE application_id = $1", app_id) == 0

    done = await post(client, f"/console/tasks/{task_id}/decision",
                      {**form, "gap_override": "1", "override_reason": "前次告知遗漏押运人员名单"})
    assert done.status_code == 200 and "已退回补正" in done.text, done.text
    assert "补正后新增告知" in done.text and "前次告知遗漏押运人员名单" in done.text and "驾驶员、押运人员名单" in done.text
    page = await client.get(f"/console/tasks/{task_id}")
    assert page.status_code == 200 and "补正后新增告知" in page.text and "前次告知遗漏押运人员名单" in page.text

    detail = (await client.get(f"{API}/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    flag = detail["gapAdditions"]
    assert [(f["reason"], f["overrideBy"]) for f in flag] == [("前次告知遗漏押运人员名单", lead["user"]["id"])]
    assert flag[0]["items"] == [{"code": "staff_list", "name": "驾驶员、押运人员名单"}]
    told = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'gap_notice_added' "
                             "AND channel = 'inapp'")
    assert told["user_id"] == who["applicant_id"] and "投诉建议" in told["params"]["complain"]
    figures = await client.get(f"{API}/stats/rights", params={"from": "2026-01-01", "to": "2026-12-31"},
                               headers=admin["headers"])
    assert figures.status_code == 200 and figures.json()["gapNoticesAddedAfterNotice"] == 1, figures.text


async def test_an_approver_who_is_not_a_lead_has_no_override_field(client, db):
    who = await people(client, db)
    app_id = await _returned_once_and_resubmitted(client, db, who)
    task_id = (await task_of(db, app_id))["id"]
    await sign_in(client, "13900001003")  # the review step's approver
    claimed = await post(client, f"/console/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and "退回补正" in claimed.text and "补充告知（负责人确认）" not in claimed.text
    tried = await post(client, f"/console/tasks/{task_id}/decision",
                       {"decision": "return", "missing": "staff_list", "name_staff_list": "驾驶员、押运人员名单",
                        "gap_override": "1", "override_reason": "漏告"})
    assert tried.status_code == 403 and "负责人" in tried.text, tried.text
