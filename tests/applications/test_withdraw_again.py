"""The applicant withdraws and starts again from a draft holding what they typed and uploaded
(FAQ F102 "撤回申请，修改后重新提交，已填内容和材料都会保留", F103 "作出审批决定前都可以撤回…原填写的内容
会保存为草稿方便再次使用；已经作出决定或办结的办件不能撤回", F097 "办件未受理时可撤回补充后重新提交")."""

from __future__ import annotations

from tests.applications.helpers import TAXI_ANSWERS, TAXI_FORM, submitted_case, upload
from tests.approvals.helpers import people, task_of
from tests.samples import JPG, PNG

API = "/api/v1"


async def _pages(db, app_id: int) -> list[tuple]:
    return [tuple(r) for r in await db.fetch(
        "SELECT material_code, page_no, sha256, size_bytes, content_type, original_name, storage_key "
        "FROM application_material_pages WHERE application_id = $1 ORDER BY material_code, page_no", app_id)]


async def test_a_case_withdrawn_before_acceptance_becomes_a_draft_with_its_form_and_files_and_is_sent_again(
        client, db):
    who = await people(client, db, person=TAXI_FORM["applicantName"], id_number=TAXI_FORM["idNumber"])
    h = who["applicant"]["headers"]
    app_id = await submitted_case(client, h)
    old_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)

    res = await client.post(f"{API}/applications/{app_id}/withdraw", headers=h, json={"reason": "驾驶证拍反了，改一下"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "withdrawn" and body["draftId"] and body["draftId"] != app_id
    draft_id = body["draftId"]
    assert [e["note"] for e in body["timeline"] if e["kind"] == "status"][-1] == "驾驶证拍反了，改一下"

    draft = (await client.get(f"{API}/applications/{draft_id}", headers=h)).json()
    assert draft["status"] == "draft" and draft["copiedFrom"] == app_id and draft["publicNo"] is None
    assert draft["answers"] == TAXI_ANSWERS and draft["form"] == TAXI_FORM
    assert {m["code"]: m["pageCount"] for m in draft["materials"]} == {"photo": 1, "id_card": 1,
                                                                         "driving_licence": 2}
    # the same files, page for page, each under a key of its own (the withdrawn case keeps its own)
    old, new = await _pages(db, app_id), await _pages(db, draft_id)
    assert [p[:6] for p in new] == [p[:6] for p in old]
    assert not {p[6] for p in old} & {p[6] for p in new}
    page2 = await client.get(f"{API}/applications/{draft_id}/materials/driving_licence/pages/2", headers=h)
    assert page2.status_code == 200 and page2.content == JPG + b"back"

    # change one page in the draft: the withdrawn case's file is untouched, and the draft goes in
    assert (await upload(client, h, draft_id, "driving_licence", PNG + b"fixed", "right.png")).status_code == 200
    kept = await client.get(f"{API}/applications/{app_id}/materials/driving_licence/pages/2", headers=h)
    assert kept.status_code == 200 and kept.content == JPG + b"back"
    again = await client.post(f"{API}/applications/{draft_id}/submit", headers=h)
    assert again.status_code == 200 and again.json()["status"] == "submitted", again.text
    assert again.json()["publicNo"] not in (None, old_no)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "withdrawn"
    # the approver's queue holds the new case, not the withdrawn one
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])
    assert await task_of(db, app_id) is None and (await task_of(db, draft_id)) is not None


async def test_a_case_may_be_withdrawn_after_acceptance_but_not_once_decided(client, db):
    who = await people(client, db)
    h = who["applicant"]["headers"]
    accepted_id = await submitted_case(client, h)
    decided_id = await submitted_case(client, h)
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])  # the queue opens the tasks
    for app_id in (accepted_id, decided_id):
        task = await task_of(db, app_id)
        res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                                headers=who["accept"]["headers"])
        assert res.status_code == 200, res.text
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", accepted_id) == "accepted"

    res = await client.post(f"{API}/applications/{accepted_id}/withdraw", headers=h, json={"reason": "暂不需要了"})
    assert res.status_code == 200 and res.json()["status"] == "withdrawn", res.text
    assert await db.fetchval("SELECT copied_from FROM applications WHERE id = $1", res.json()["draftId"]) == accepted_id

    task = await task_of(db, decided_id)
    res = await client.post(f"{API}/tasks/{task['id']}/decision",
                            json={"decision": "reject", "reason": "驾驶经历核查不符合条件"},
                            headers=who["review"]["headers"])
    assert res.status_code == 200, res.text
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", decided_id) == "rejected"
    before = await db.fetchval("SELECT count(*) FROM applications")
    refused = await client.post(f"{API}/applications/{decided_id}/withdraw", headers=h, json={"reason": "撤回"})
    assert refused.status_code == 409 and refused.json()["code"] == "transition_refused"
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", decided_id) == "rejected"
    assert await db.fetchval("SELECT count(*) FROM applications") == before


async def test_a_withdrawn_draft_leaves_no_copy_and_nothing_is_withdrawn_twice_or_without_a_reason(client, db):
    who = await people(client, db)
    h = who["applicant"]["headers"]
    created = await client.post(f"{API}/applications", headers=h, json={
        "serviceCode": "taxi-driver-cert", "answers": TAXI_ANSWERS, "form": TAXI_FORM})
    draft_id = created.json()["id"]
    res = await client.post(f"{API}/applications/{draft_id}/withdraw", headers=h, json={"reason": "不办了"})
    assert res.status_code == 200 and res.json()["status"] == "withdrawn" and res.json()["draftId"] is None
    assert await db.fetchval("SELECT count(*) FROM applications") == 1

    app_id = await submitted_case(client, h)
    no_reason = await client.post(f"{API}/applications/{app_id}/withdraw", headers=h, json={"reason": ""})
    assert no_reason.status_code in (400, 422)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "submitted"
    key = {"Idempotency-Key": "withdraw-once", **h}
    first = await client.post(f"{API}/applications/{app_id}/withdraw", headers=key, json={"reason": "填错了"})
    repeat = await client.post(f"{API}/applications/{app_id}/withdraw", headers=key, json={"reason": "填错了"})
    assert first.status_code == repeat.status_code == 200 and first.json()["draftId"] == repeat.json()["draftId"]
    second = await client.post(f"{API}/applications/{app_id}/withdraw", headers=h, json={"reason": "填错了"})
    assert second.status_code == 409 and second.json()["code"] == "transition_refused"
    assert await db.fetchval("SELECT count(*) FROM applications WHERE copied_from = $1", app_id) == 1
