"""A service has any number of approval steps, each with its code, Chinese name and role: the case
waits at the step after the last one approved, and its status moves as for the three-step services
(accepted after the first step, in review after the second, decided at the last)."""

from __future__ import annotations

import json
from typing import Any

from api.applications import service as applications
from api.db import discard_after_commit
from tests.approvals.helpers import submitted, task_of
from tests.factories import applicant, staff

API = "/api/v1"
SERVICE = "dangerous-goods-permit"


async def _define_steps(client: Any, db: Any, steps: list[dict[str, str]]) -> None:
    admin = await staff(client, db, phone="13900008301", roles=["admin"])
    spec = json.loads(await db.fetchval("SELECT spec::text FROM services WHERE code = $1", SERVICE))
    spec["steps"] = steps
    res = await client.put(f"{API}/admin/services/{SERVICE}", headers=admin["headers"], json=spec)
    assert res.status_code == 200, res.text


async def _approve(client: Any, db: Any, app_id: int, who: dict[str, Any]) -> dict[str, Any]:
    """The approver of the case's current step claims and approves it (the queue opens the task)."""
    await client.get(f"{API}/tasks", headers=who["headers"])
    task = await task_of(db, app_id)
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=who["headers"])
    assert res.status_code == 200, res.text
    return {"task": task, "decision": res.json()}


async def test_a_four_step_service_keeps_the_case_in_review_at_its_third_step_and_decides_at_the_fourth(client, db):
    await _define_steps(client, db, [
        {"step": "accept", "role": "approver", "name": "受理"},
        {"step": "review", "role": "approver", "name": "审核"},
        {"step": "recheck", "role": "approver", "name": "复核"},
        {"step": "decide", "role": "lead", "name": "决定"},
    ])
    citizen = await applicant(client, "four-steps")
    app_id = await submitted(db, citizen["user"]["id"], SERVICE)
    approvers = {
        "accept": await staff(client, db, phone="13900008311", roles=["approver"], steps=["accept"]),
        "review": await staff(client, db, phone="13900008312", roles=["approver"], steps=["review"]),
        "recheck": await staff(client, db, phone="13900008313", roles=["approver"], steps=["recheck"]),
        "decide": await staff(client, db, phone="13900008314", roles=["approver", "lead"], steps=["decide"]),
    }
    # the approver of the new step finds its task in the queue, by its code too
    statuses = []
    for position, step in enumerate(["accept", "review", "recheck", "decide"], 1):
        if step == "recheck":
            res = await client.get(f"{API}/tasks", params={"step": "recheck"}, headers=approvers[step]["headers"])
            assert [(i["applicationId"], i["stepName"]) for i in res.json()["items"]] == [(app_id, "复核")], res.text
        done = await _approve(client, db, app_id, approvers[step])
        assert (done["task"]["position"], done["task"]["step"]) == (position, step)
        assert done["decision"]["step"] == step
        statuses.append(done["decision"]["applicationStatus"])
    assert statuses == ["accepted", "in_review", "in_review", "approved"]
    assert done["decision"]["nextTaskId"] is None and done["decision"]["licenceIds"]
    timeline = await db.fetch("SELECT from_status, to_status FROM application_events "
                              "WHERE application_id = $1 AND kind = 'status' ORDER BY id", app_id)
    assert [(e["from_status"], e["to_status"]) for e in timeline] == [
        ("draft", "submitted"), ("submitted", "accepted"), ("accepted", "in_review"), ("in_review", "approved")]
    # each step signed once, in order
    signed = await db.fetch("SELECT step FROM approval_decisions WHERE application_id = $1 ORDER BY id", app_id)
    assert [r["step"] for r in signed] == ["accept", "review", "recheck", "decide"]


async def test_a_one_step_service_accepts_and_decides_at_its_only_step(client, db):
    await _define_steps(client, db, [{"step": "decide", "role": "approver", "name": "审批"}])
    citizen = await applicant(client, "one-step")
    app_id = await submitted(db, citizen["user"]["id"], SERVICE)
    approver = await staff(client, db, phone="13900008321", roles=["approver"], steps=["decide"])
    done = await _approve(client, db, app_id, approver)
    assert done["task"]["position"] == 1 and done["task"]["stage"] == "submitted"
    assert done["decision"]["applicationStatus"] == "approved" and done["decision"]["licenceIds"]
    timeline = await db.fetch("SELECT to_status FROM application_events "
                              "WHERE application_id = $1 AND kind = 'status' ORDER BY id", app_id)
    assert [e["to_status"] for e in timeline] == ["submitted", "accepted", "approved"]


async def test_a_case_returned_at_the_fourth_step_comes_back_to_the_fourth_step_once_supplemented(client, db):
    await _define_steps(client, db, [
        {"step": "accept", "role": "approver", "name": "受理"},
        {"step": "review", "role": "approver", "name": "审核"},
        {"step": "recheck", "role": "approver", "name": "复核"},
        {"step": "decide", "role": "approver", "name": "决定"},
    ])
    citizen = await applicant(client, "four-steps-returned")
    app_id = await submitted(db, citizen["user"]["id"], SERVICE)
    approver = await staff(client, db, phone="13900008331", roles=["approver"],
                           steps=["accept", "review", "recheck", "decide"])
    for _ in range(3):
        await _approve(client, db, app_id, approver)
    await client.get(f"{API}/tasks", headers=approver["headers"])
    task = await task_of(db, app_id)
    assert task["step"] == "decide"
    res = await client.post(f"{API}/tasks/{task['id']}/decision", headers=approver["headers"], json={
        "decision": "return", "missing": [{"code": "vehicleCount", "kind": "field", "name": "车辆数量",
                                           "message": "车辆数与行驶证不符"}]})
    assert res.status_code == 200 and res.json()["applicationStatus"] == "needs_supplement", res.text
    async with db.transaction():
        await applications.transition(db, app_id, "in_review", actor_id=citizen["user"]["id"])
    discard_after_commit(db)
    # back in review: the step after the last approved (复核), not the first one acting on the status
    done = await _approve(client, db, app_id, approver)
    assert done["task"]["step"] == "decide" and done["decision"]["applicationStatus"] == "approved"
