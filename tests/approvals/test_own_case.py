"""Issue 17 item 2: staff never act on a case they applied for. A lead filed a temporary-plate case,
claimed its task and approved it, and the licence was issued to them. Now claiming, deciding,
batch-deciding, recording an exam result and shipping or handing over the licence of one's own
case answer 403 ``own_case`` — whichever account filed it, as long as it is the same person — and
the database refuses the write even if a path forgot to ask."""

from __future__ import annotations

import asyncpg
import pytest

from tests.approvals.helpers import people, task_of
from tests.factories import applicant, bearer, run_jobs, staff, window_verified

API = "/api/v1"
EXPRESS = {"companyName": "温州大件运输有限公司", "deliveryAddress": "温州市鹿城区人民路100号"}


async def _file_temporary_plate(client, headers) -> int:
    """A temporary-plate case (one step: 审批 by an approver of ``decide``) filed and submitted
    through the applicant routes."""
    res = await client.post(f"{API}/applications", headers=headers,
                            json={"serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "form": EXPRESS})
    assert res.status_code == 201, res.text
    app_id = res.json()["id"]
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=headers)
    assert res.status_code == 200 and res.json()["status"] == "submitted", res.text
    return app_id


def _refused(res) -> None:
    assert res.status_code == 403, res.text
    assert res.json()["code"] == "own_case" and "本人" in res.json()["title"]


async def test_a_lead_cannot_claim_decide_or_batch_decide_the_case_they_filed(client, db):
    who = await people(client, db)
    await window_verified(client, who["accept"], who["lead"], "lead")  # a filer is a verified person (F088)
    lead = who["lead"]["headers"]
    app_id = await _file_temporary_plate(client, lead)  # the lead files with their own login
    await client.get(f"{API}/tasks", headers=lead)
    task = await task_of(db, app_id)

    _refused(await client.post(f"{API}/tasks/{task['id']}/claim", headers=lead))
    _refused(await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"}, headers=lead))
    res = await client.post(f"{API}/tasks/batch-decision", headers=lead,
                            json={"items": [{"taskId": task["id"], "decision": "approve"}]})
    _refused(res)
    assert res.json()["failedTaskId"] == task["id"] and res.json()["failedIndex"] == 0

    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "submitted"
    assert (await task_of(db, app_id))["status"] == "open"
    assert await db.fetchval("SELECT count(*) FROM approval_decisions WHERE application_id = $1", app_id) == 0
    assert await db.fetchval("SELECT count(*) FROM licences WHERE holder_id = $1", who["lead"]["user"]["id"]) == 0

    # a colleague of the step decides it; the licence's shipping is again not the lead's to do
    colleague = await staff(client, db, phone="13900001005", roles=["approver"], steps=["decide"])
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=colleague["headers"])
    assert res.status_code == 200 and res.json()["applicationStatus"] == "approved", res.text
    delivery = await db.fetchval("SELECT id FROM deliveries WHERE application_id = $1", app_id)
    _refused(await client.post(f"{API}/deliveries/{delivery}/shipment", json={"trackingNo": "EA123456789CN"},
                               headers=lead))
    res = await client.post(f"{API}/deliveries/{delivery}/shipment", json={"trackingNo": "EA123456789CN"},
                            headers=colleague["headers"])
    assert res.status_code == 200, res.text


async def test_the_same_persons_citizen_login_files_and_the_staff_login_is_still_refused(client, db, settings):
    """The staff member's phone logs in by SMS as a citizen (one account or two, however staff and
    citizen accounts are modelled) and files; the staff login of that phone may not act on it."""
    who = await people(client, db)
    await window_verified(client, who["accept"], who["lead"], "lead")  # a filer is a verified person (F088)
    phone = "13900001004"  # the lead's
    sent = await client.post(f"{API}/auth/sms-code", json={"phone": phone})
    assert sent.status_code == 200, sent.text
    await run_jobs(settings)
    content = await db.fetchval("SELECT content FROM notifications WHERE phone = $1 AND event = 'login_code' "
                                "ORDER BY id DESC LIMIT 1", phone)
    res = await client.post(f"{API}/auth/sms-login", json={"phone": phone, "code": content.split("验证码为")[1][:6]})
    assert res.status_code == 200, res.text
    app_id = await _file_temporary_plate(client, bearer(res.json()["accessToken"]))

    await client.get(f"{API}/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    _refused(await client.post(f"{API}/tasks/{task['id']}/claim", headers=who["lead"]["headers"]))


async def test_a_separate_citizen_account_of_the_same_person_counts_as_their_own(client, db):
    """Recognised by the person, not the account: a WeChat account holding the staff member's
    resident ID number (no phone in common) files; the staff member may not decide it."""
    citizen = await applicant(client, "li-at-home")
    officer = await staff(client, db, phone="13900001006", roles=["approver"], steps=["decide"])
    await db.execute("UPDATE users SET id_number = '330302198001010017' WHERE id = ANY($1::bigint[])",
                     [citizen["user"]["id"], officer["user"]["id"]])
    app_id = await _file_temporary_plate(client, citizen["headers"])
    await client.get(f"{API}/tasks", headers=officer["headers"])
    task = await task_of(db, app_id)
    _refused(await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                               headers=officer["headers"]))
    other = await staff(client, db, phone="13900001007", roles=["approver"], steps=["decide"])
    res = await client.post(f"{API}/tasks/{task['id']}/claim", headers=other["headers"])
    assert res.status_code == 200, res.text


async def test_the_database_refuses_an_own_case_write_that_skips_the_service(client, db):
    who = await people(client, db)
    await window_verified(client, who["accept"], who["lead"], "lead")  # a filer is a verified person (F088)
    app_id = await _file_temporary_plate(client, who["lead"]["headers"])
    await client.get(f"{API}/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="own case"):
        await db.execute("UPDATE approval_tasks SET status = 'claimed', assignee_id = $1, claimed_at = now() "
                         "WHERE id = $2", who["lead"]["user"]["id"], task["id"])


async def test_a_path_that_forgets_to_ask_still_answers_403_not_500(client, db, monkeypatch):
    """The trigger's refusal reaches the caller as the same 403 code, not an internal error."""
    from api.approvals import service as approvals

    async def forgets(*args, **kwargs) -> None:
        return None

    monkeypatch.setattr(approvals, "refuse_own_case", forgets)
    who = await people(client, db)
    await window_verified(client, who["accept"], who["lead"], "lead")  # a filer is a verified person (F088)
    app_id = await _file_temporary_plate(client, who["lead"]["headers"])
    await client.get(f"{API}/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    res = await client.post(f"{API}/tasks/{task['id']}/claim", headers=who["lead"]["headers"])
    assert res.status_code == 403 and res.json()["code"] == "own_case", res.text
    assert (await task_of(db, app_id))["status"] == "open"
