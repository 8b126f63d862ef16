"""FAQ F102 "联系审批人员": after acceptance, a thread on the case between its applicant and the staff
of the step it waits at, with notifications both ways; staff are named by their step, never by
their phone; nobody else reads or writes it."""

from __future__ import annotations

from tests.approvals.helpers import people, submitted, task_of
from tests.factories import applicant, staff

API = "/api/v1"
TASKS = f"{API}/tasks"


async def test_the_applicant_and_the_steps_approver_write_to_each_other_after_acceptance(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    url = f"{API}/applications/{app_id}/messages"
    early = await client.post(url, json={"text": "填错了"}, headers=who["applicant"]["headers"])
    assert early.status_code == 409 and early.json()["code"] == "thread_not_open"  # before acceptance: withdraw
    await client.get(TASKS, headers=who["accept"]["headers"])
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    task_id = (await task_of(db, app_id))["id"]  # the review step's

    res = await client.post(url, json={"text": "车辆数填成了5辆，实际是6辆，请退回让我修改"},
                            headers=who["applicant"]["headers"])
    assert res.status_code == 201 and res.json()["sender"] == "申请人", res.text
    told = {r["user_id"] for r in await db.fetch("SELECT user_id FROM notifications WHERE event = 'case_message' "
                                                 "AND channel = 'inapp'")}
    assert who["review"]["user"]["id"] in told and who["accept"]["user"]["id"] not in told

    reply = await client.post(f"{TASKS}/{task_id}/messages", json={"text": "已收到，将退回补正供您修改"},
                              headers=who["review"]["headers"])
    assert reply.status_code == 201, reply.text
    thread = (await client.get(url, headers=who["applicant"]["headers"])).json()
    assert [(m["sender"], m["fromStaff"]) for m in thread] == [("申请人", False), ("审批人员（审核）", True)]
    staff_phone = await db.fetchval("SELECT phone FROM users WHERE id = $1", who["review"]["user"]["id"])
    assert staff_phone and staff_phone not in str(thread)  # never the approver's phone
    answered = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'case_message' "
                                 "AND user_id = $1 AND channel = 'inapp'", who["applicant_id"])
    assert answered["params"]["text"] == "已收到，将退回补正供您修改"

    # scoped: another applicant, another step's approver and the help desk do not get in
    other = await applicant(client, "thread-other")
    assert (await client.get(url, headers=other["headers"])).status_code == 404
    assert (await client.post(url, json={"text": "x"}, headers=other["headers"])).status_code == 404
    assert (await client.get(f"{TASKS}/{task_id}/messages", headers=who["accept"]["headers"])).status_code == 403
    desk = await staff(client, db, phone="13900001008", roles=["helpdesk"])
    assert (await client.get(f"{TASKS}/{task_id}/messages", headers=desk["headers"])).status_code == 403
    staff_view = (await client.get(f"{TASKS}/{task_id}/messages", headers=who["review"]["headers"])).json()
    assert len(staff_view) == 2
