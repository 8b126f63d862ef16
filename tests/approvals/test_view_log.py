"""F145 "只有办理您事项的审批人员可以查看材料，每次查看都留有记录": every staff look at a case's personal
data — the task detail, a material's file or one of its pages, the whole-case read — leaves an
append-only row in case_views; the applicant reads who looked and when (names masked), an admin
audits the looks by staff member."""

from __future__ import annotations

import asyncpg
import pytest

from api.applications import service
from tests.approvals.helpers import task_of
from tests.factories import applicant, staff
from tests.samples import JPG

API = "/api/v1"
RESIDENT_ID = "11010519491231002X"
TAXI_FORM = {"applicantName": "张三", "idNumber": RESIDENT_ID, "mobile": "13812345678",
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


async def _case_at_accept(client, db, owner) -> int:
    """A taxi-driver case with a photo on file, waiting at the accept step."""
    created = await client.post(f"{API}/applications", headers=owner["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    up = await client.put(f"{API}/applications/{app_id}/materials/photo", headers=owner["headers"],
                          files={"file": ("me.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    async with db.transaction():
        await service.transition(db, app_id, "submitted", actor_id=owner["user"]["id"])
    return app_id


async def _views(db, app_id: int) -> list[dict]:
    return [dict(r) for r in await db.fetch(
        "SELECT viewer_id, via, task_id, what, material_code, page_no, id_number_shown FROM case_views "
        "WHERE application_id = $1 ORDER BY id", app_id)]


async def _opened_task(client, db, approver, app_id: int) -> int:
    queue = await client.get(f"{API}/tasks", headers=approver["headers"])  # the queue opens the task
    assert queue.status_code == 200, queue.text
    return (await task_of(db, app_id))["id"]


async def test_an_approver_opening_a_task_and_a_material_page_is_recorded_and_the_applicant_sees_it(client, db):
    owner = await applicant(client, "zhang", person="张三", id_number=RESIDENT_ID)  # the form's applicant
    other = await applicant(client, "li")
    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"], name="李受理")
    reviewer = await staff(client, db, phone="13900002002", roles=["approver"], steps=["review"], name="赵审核")
    app_id = await _case_at_accept(client, db, owner)
    task_id = await _opened_task(client, db, approver, app_id)
    assert await _views(db, app_id) == []  # the queue shows no personal data: no record

    detail = await client.get(f"{API}/tasks/{task_id}", headers=approver["headers"])
    assert detail.status_code == 200 and detail.json()["form"]["idNumber"] == RESIDENT_ID, detail.text
    page = await client.get(f"{API}/tasks/{task_id}/materials/photo/pages/1", headers=approver["headers"])
    assert page.status_code == 200 and page.content == JPG
    whole = await client.get(f"{API}/tasks/{task_id}/materials/photo", headers=approver["headers"])
    assert whole.status_code == 200
    # reads that fail leave nothing: a page that is not there, an approver of another step
    assert (await client.get(f"{API}/tasks/{task_id}/materials/photo/pages/2",
                             headers=approver["headers"])).status_code == 404
    assert (await client.get(f"{API}/tasks/{task_id}/materials/id_card",
                             headers=approver["headers"])).status_code == 404
    assert (await client.get(f"{API}/tasks/{task_id}", headers=reviewer["headers"])).status_code == 403

    me = approver["user"]["id"]
    assert await _views(db, app_id) == [
        {"viewer_id": me, "via": "task", "task_id": task_id, "what": "detail", "material_code": None,
         "page_no": None, "id_number_shown": True},
        {"viewer_id": me, "via": "task", "task_id": task_id, "what": "page", "material_code": "photo",
         "page_no": 1, "id_number_shown": False},
        {"viewer_id": me, "via": "task", "task_id": task_id, "what": "material", "material_code": "photo",
         "page_no": None, "id_number_shown": False},
    ]

    log = await client.get(f"{API}/applications/{app_id}/access-log", headers=owner["headers"])
    assert log.status_code == 200, log.text
    items = log.json()["items"]  # newest first
    assert [i["what"] for i in items] == ["material", "page", "detail"]
    assert {i["staff"] for i in items} == {"李**"} and "李受理" not in log.text  # names masked
    assert items[2]["description"] == "查看了办件详情（含身份证号）" and items[2]["idNumberShown"] is True
    assert items[1]["description"].startswith("查看了材料：") and items[1]["description"].endswith("（第1页）")
    assert items[1]["pageNo"] == 1 and items[0]["materialCode"] == "photo"
    assert all(i["stepName"] and i["at"] for i in items)
    assert str(me) not in [str(v) for i in items for v in i.values()]  # no staff ids for the public

    # someone else's case does not exist for the caller
    refused = await client.get(f"{API}/applications/{app_id}/access-log", headers=other["headers"])
    assert refused.status_code == 404 and refused.json()["code"] == "application_not_found"
    assert "李" not in refused.text
    assert (await client.get(f"{API}/applications/{app_id}/access-log",
                             headers=approver["headers"])).status_code == 404


async def test_the_whole_case_read_by_staff_is_recorded_and_the_owners_own_reads_are_not(client, db):
    owner = await applicant(client, "zhang")
    lead = await staff(client, db, phone="13900002003", roles=["approver", "lead"], steps=["decide"], name="钱科长")
    app_id = await _case_at_accept(client, db, owner)

    assert (await client.get(f"{API}/applications/{app_id}", headers=owner["headers"])).status_code == 200
    assert (await client.get(f"{API}/applications/{app_id}/materials/photo",
                             headers=owner["headers"])).status_code == 200
    assert await _views(db, app_id) == []

    assert (await client.get(f"{API}/applications/{app_id}", headers=lead["headers"])).status_code == 200
    assert (await client.get(f"{API}/applications/{app_id}/materials/photo/pages/1",
                             headers=lead["headers"])).status_code == 200
    assert (await client.get(f"{API}/applications/{app_id}/materials/photo/pages/9",
                             headers=lead["headers"])).status_code == 404  # nothing seen, nothing kept
    lead_id = lead["user"]["id"]
    assert await _views(db, app_id) == [
        {"viewer_id": lead_id, "via": "case", "task_id": None, "what": "detail", "material_code": None,
         "page_no": None, "id_number_shown": True},
        {"viewer_id": lead_id, "via": "case", "task_id": None, "what": "page", "material_code": "photo",
         "page_no": 1, "id_number_shown": False},
    ]
    log = (await client.get(f"{API}/applications/{app_id}/access-log", headers=owner["headers"])).json()
    assert [(i["staff"], i["what"], i["stepName"]) for i in log["items"]] == [("钱**", "page", None),
                                                                           ("钱**", "detail", None)]


async def test_an_admin_lists_the_looks_of_one_staff_member_and_no_one_else_may(client, db):
    owner = await applicant(client, "zhang")
    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"], name="李受理")
    approver2 = await staff(client, db, phone="13900002004", roles=["approver"], steps=["accept"], name="孙受理")
    admin = await staff(client, db, phone="13900002005", roles=["admin"], name="周管理")
    app_id = await _case_at_accept(client, db, owner)
    task_id = await _opened_task(client, db, approver, app_id)
    for who in (approver, approver2, approver):
        assert (await client.get(f"{API}/tasks/{task_id}", headers=who["headers"])).status_code == 200

    first = await client.get(f"{API}/tasks/case-views", params={"staffId": approver["user"]["id"], "limit": 1},
                             headers=admin["headers"])
    assert first.status_code == 200, first.text
    body = first.json()
    assert len(body["items"]) == 1 and body["nextCursor"]
    rest = await client.get(f"{API}/tasks/case-views", headers=admin["headers"], params={
        "staffId": approver["user"]["id"], "cursor": body["nextCursor"]})
    items = body["items"] + rest.json()["items"]
    assert len(items) == 2 and rest.json()["nextCursor"] is None
    assert {(i["viewerId"], i["viewerName"], i["applicationId"], i["taskId"], i["what"]) for i in items} == {
        (approver["user"]["id"], "李受理", app_id, task_id, "detail")}
    assert all(i["publicNo"] for i in items)
    everyone = await client.get(f"{API}/tasks/case-views", params={"applicationId": app_id},
                                headers=admin["headers"])
    assert len(everyone.json()["items"]) == 3

    assert (await client.get(f"{API}/tasks/case-views", headers=approver["headers"])).status_code == 403
    assert (await client.get(f"{API}/tasks/case-views", headers=owner["headers"])).status_code == 403


async def test_a_recorded_look_cannot_be_changed_or_removed(client, db):
    owner = await applicant(client, "zhang")
    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"], name="李受理")
    app_id = await _case_at_accept(client, db, owner)
    task_id = await _opened_task(client, db, approver, app_id)
    assert (await client.get(f"{API}/tasks/{task_id}", headers=approver["headers"])).status_code == 200
    before = await _views(db, app_id)
    assert len(before) == 1

    for statement in ("UPDATE case_views SET viewed_at = now() - interval '1 year'",
                      "UPDATE case_views SET viewer_id = viewer_id",
                      "DELETE FROM case_views",
                      "TRUNCATE case_views"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await db.execute(statement)
    assert await _views(db, app_id) == before
