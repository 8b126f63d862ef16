"""Staff read a whole case (form with the resident ID, materials) only when it concerns them:
approvers of a step it is or was at, or who acted on it; leads and admins. Help-desk agents see
the public progress page only. Everyone refused gets 404 — the case's existence stays hidden."""

from __future__ import annotations

from api.applications import service
from tests.approvals.helpers import people
from tests.factories import staff
from tests.samples import JPG

API = "/api/v1"
RESIDENT_ID = "11010519491231002X"
TAXI_FORM = {"applicantName": "张三", "idNumber": RESIDENT_ID, "mobile": "13812345678",
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


async def _submitted_case(client, db, who) -> int:
    """A taxi-driver case with a photo on file, waiting at the accept step."""
    h = who["applicant"]["headers"]
    created = await client.post(f"{API}/applications", headers=h, json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    up = await client.put(f"{API}/applications/{app_id}/materials/photo", headers=h,
                          files={"file": ("me.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    async with db.transaction():  # straight to the accept step, whatever the pre-review would say
        await service.transition(db, app_id, "submitted", actor_id=who["applicant_id"])
    return app_id


async def _reads(client, app_id: int, headers: dict[str, str]) -> tuple[int, int]:
    case = await client.get(f"{API}/applications/{app_id}", headers=headers)
    file = await client.get(f"{API}/applications/{app_id}/materials/photo", headers=headers)
    if case.status_code == 200:
        assert case.json()["form"]["idNumber"] == RESIDENT_ID  # those who may read see the whole case
    else:
        assert case.json()["code"] == "application_not_found" and RESIDENT_ID not in case.text
        assert file.json()["code"] == "application_not_found"
    return case.status_code, file.status_code


async def test_only_approvers_of_a_step_the_case_reached_leads_and_admins_read_it(client, db):
    who = await people(client, db, person="张三", id_number=RESIDENT_ID)  # the form's applicant
    helpdesk = await staff(client, db, phone="13900001011", roles=["helpdesk"], name="客服")
    admin = await staff(client, db, phone="13900001012", roles=["admin"], name="管理员")
    app_id = await _submitted_case(client, db, who)

    # at the accept step: its approvers read it (before any queue read opened the task), nobody else
    assert await db.fetchval("SELECT count(*) FROM approval_tasks WHERE application_id = $1", app_id) == 0
    assert await _reads(client, app_id, who["accept"]["headers"]) == (200, 200)
    assert await _reads(client, app_id, who["accept2"]["headers"]) == (200, 200)
    assert await _reads(client, app_id, who["review"]["headers"]) == (404, 404)
    assert await _reads(client, app_id, helpdesk["headers"]) == (404, 404)
    # leads and admins read every case
    assert await _reads(client, app_id, who["lead"]["headers"]) == (200, 200)
    assert await _reads(client, app_id, admin["headers"]) == (200, 200)

    # the help desk answers "where is my case" from the public progress page: no name, no ID, no files
    public_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)
    progress = await client.get(f"{API}/progress/{public_no}", headers=helpdesk["headers"])
    assert progress.status_code == 200 and progress.json()["status"] == "submitted"
    assert RESIDENT_ID not in progress.text and "张三" not in progress.text and "photo" not in progress.text

    # accepted through the task queue: the case moves to the review step
    task = (await client.get(f"{API}/tasks", headers=who["accept"]["headers"])).json()["items"][0]
    done = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                             headers=who["accept"]["headers"])
    assert done.status_code == 200 and done.json()["applicationStatus"] == "accepted", done.text
    assert await _reads(client, app_id, who["review"]["headers"]) == (200, 200)  # it is at their step now
    assert await _reads(client, app_id, who["accept"]["headers"]) == (200, 200)  # they acted on it
    assert await _reads(client, app_id, who["accept2"]["headers"]) == (200, 200)  # it was at their step
    assert await _reads(client, app_id, helpdesk["headers"]) == (404, 404)


async def test_an_approver_who_acted_on_a_case_still_reads_it_after_leaving_the_step(client, db):
    who = await people(client, db, person="张三", id_number=RESIDENT_ID)  # the form's applicant
    app_id = await _submitted_case(client, db, who)
    task = (await client.get(f"{API}/tasks", headers=who["accept"]["headers"])).json()["items"][0]
    returned = await client.post(f"{API}/tasks/{task['id']}/decision", headers=who["accept"]["headers"], json={
        "decision": "return", "missing": [{"code": "id_card", "message": "请上传身份证"}]})
    assert returned.status_code == 200, returned.text
    # the same person moved to the decide step (a new login carries the new steps)
    await db.execute("UPDATE users SET steps = '{decide}' WHERE id = $1", who["accept"]["user"]["id"])
    moved = await client.post(f"{API}/auth/staff-login", json={"phone": "13900001001",
                                                                "password": "staff-password-2026"})
    headers = {"Authorization": f"Bearer {moved.json()['accessToken']}"}
    assert await _reads(client, app_id, headers) == (200, 200)  # their decision is on its timeline
    # a decide-step approver who never touched it does not
    other = await staff(client, db, phone="13900001013", roles=["approver"], steps=["decide"], name="决定岗")
    assert await _reads(client, app_id, other["headers"]) == (404, 404)
