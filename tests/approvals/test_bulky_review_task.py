"""The approver's side of the bulky-cargo automatic review: a check that needs a person (a route
whose bridges need a technical assessment, FAQ F044/F053) reaches the approver's task and console
page, and the queue does not mark the case as all passed."""

from __future__ import annotations

from tests.applications.bulky import API, NOW, bulky_case, by_code, carrier
from tests.console.helpers import account, sign_in
from tests.factories import staff
from tests.clock import use_clock


async def test_a_route_needing_a_bridge_assessment_goes_to_a_person_and_the_approver_sees_why(client, db):
    use_clock(client, NOW)
    me = await carrier(client, db, "bulky-bridge")
    app_id = await bulky_case(client, me["headers"], answers={"needsAssessment": "yes"})

    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    # nothing for the applicant to fix: no gap notice, the case waits for acceptance
    assert body["status"] == "submitted" and body["gapNotice"] is None
    assert body["promisedDays"] == 10  # F053: with an assessment, 10 working days
    result = body["review"]
    assert (result["passed"], result["failed"], result["needsPerson"], result["allPassed"]) == (20, 0, 1, False)
    assessment = by_code(result)["route.assessment"]
    assert assessment["outcome"] == "needs_person" and assessment["outcomeLabel"] == "需人工核查"
    assert "技术评估" in assessment["reason"]
    assert await db.fetchval(
        "SELECT c.outcome FROM application_review_checks c JOIN application_reviews r ON r.id = c.review_id "
        "WHERE r.application_id = $1 AND c.code = 'route.assessment'", app_id) == "needs_person"

    approver = await staff(client, db, phone="13900003001", roles=["approver"], steps=["accept"])
    queue = await client.get(f"{API}/tasks", headers=approver["headers"])
    [task] = [t for t in queue.json()["items"] if t["applicationId"] == app_id]
    assert task["reviewAllPassed"] is False
    detail = await client.get(f"{API}/tasks/{task['id']}", headers=approver["headers"])
    assert detail.status_code == 200, detail.text
    seen = by_code(detail.json()["review"])
    assert seen["route.assessment"]["outcome"] == "needs_person"
    assert seen["route.assessment"]["groupName"] == "线路情况" and len(seen) == 21

    # the console task page shows the review grouped, in Chinese
    await account(db, phone="13900003002", roles=["approver"], steps=["accept"], name="受理员")
    await sign_in(client, "13900003002")
    page = await client.get(f"/console/tasks/{task['id']}")
    assert page.status_code == 200, page.text
    text = page.text
    assert "智能审核（21项）" in text and "需人工核查 1 项" in text
    groups = [text.index(f"<h3>{g}</h3>") for g in ("人员信息", "企业资质信息", "车辆信息", "线路情况", "货物情况")]
    assert groups == sorted(groups)
    assert "途经桥梁、路段技术评估" in text and assessment["reason"] in text
    queue = await client.get("/console/tasks")
    assert "自动核验有待人工判断" in queue.text and "自动核验全部通过" not in queue.text


async def test_a_case_without_a_review_has_no_flag_in_the_queue(client, db):
    """Services that declare no review are neither marked passed nor failed."""
    from tests.approvals.helpers import people, submitted

    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    queue = await client.get(f"{API}/tasks", headers=who["accept"]["headers"])
    [task] = [t for t in queue.json()["items"] if t["applicationId"] == app_id]
    assert task["reviewAllPassed"] is None
    detail = await client.get(f"{API}/tasks/{task['id']}", headers=who["accept"]["headers"])
    assert detail.json()["review"] is None
