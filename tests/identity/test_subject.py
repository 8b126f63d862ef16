"""Issue 19: the applicant on a form is the verified person, and staff see who that is."""

from __future__ import annotations

from tests.approvals.helpers import submitted, task_of
from tests.console.helpers import account, sign_in
from tests.factories import applicant, staff

API = "/api/v1"
TYPED = {"applicantName": "张冒名", "idNumber": "11010519491231002X", "mobile": "13812345678",
         "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


def masked(number: str) -> str:
    return number[:3] + "*" * 11 + number[-4:]


async def test_the_form_takes_the_applicant_from_the_identity_whatever_was_typed(client):
    me = await applicant(client, "walker")
    name, number = me["identity"]["name"], me["identity"]["idNumber"]
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TYPED})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["form"]["applicantName"], body["form"]["idNumber"]) == (name, number)
    assert body["applicant"]["name"] == name and body["applicant"]["idNumberMasked"] == masked(number)
    assert body["applicant"]["method"] == "face" and "实名认证" in body["applicant"]["note"]
    edited = await client.patch(f"{API}/applications/{body['id']}", headers=me["headers"],
                                json={"form": {"applicantName": "李四"}})
    assert edited.status_code == 200 and edited.json()["form"]["applicantName"] == name
    # the account (and so every holder and applicant display) carries the verified name
    assert (await client.get(f"{API}/me", headers=me["headers"])).json()["name"] == name


async def test_a_draft_typed_before_verification_is_the_verified_person_once_submitted(client):
    me = await applicant(client, "early", verified=False)
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TYPED})
    assert created.status_code == 201 and created.json()["form"]["applicantName"] == "张冒名"
    assert created.json()["applicant"] is None
    me = await applicant(client, "early")
    submitted_ = await client.post(f"{API}/applications/{created.json()['id']}/submit", headers=me["headers"])
    assert submitted_.status_code == 200, submitted_.text
    form = submitted_.json()["form"]
    assert (form["applicantName"], form["idNumber"]) == (me["identity"]["name"], me["identity"]["idNumber"])


async def test_staff_see_the_verified_person_on_the_task_list_detail_and_console_page(client, db):
    me = await applicant(client, "subject")
    name, number = me["identity"]["name"], me["identity"]["idNumber"]
    app_id = await submitted(db, me["user"]["id"], "taxi-driver-cert", form={"applicantName": name, "idNumber": number})
    accept = await staff(client, db, phone="13900001001", roles=["approver"], steps=["accept"])
    res = await client.get(f"{API}/tasks", headers=accept["headers"])
    assert res.status_code == 200, res.text
    [item] = res.json()["items"]
    assert item["person"] == {"name": name, "idType": "resident_id", "idNumberMasked": masked(number),
                               "method": "face", "methodLabel": "人脸识别", "verifiedAt": item["person"]["verifiedAt"],
                               "note": None}
    detail = (await client.get(f"{API}/tasks/{item['id']}", headers=accept["headers"])).json()
    assert detail["task"]["person"]["idNumberMasked"] == masked(number)

    unverified = await applicant(client, "nobody", verified=False)
    other = await submitted(db, unverified["user"]["id"], "taxi-driver-cert")
    items = (await client.get(f"{API}/tasks", headers=accept["headers"])).json()["items"]
    assert next(i for i in items if i["applicationId"] == other)["person"] is None

    await account(db, phone="13900006001", roles=["approver"], steps=["accept"], name="受理员")
    await sign_in(client, "13900006001")
    task = await task_of(db, app_id)
    page = await client.get(f"/console/tasks/{task['id']}")
    assert page.status_code == 200 and f"{name}（{masked(number)}，人脸识别）" in page.text
