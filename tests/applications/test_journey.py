from __future__ import annotations

from datetime import date, timedelta

from api.applications import service
from tests.applications.helpers import TAXI_FORM, licence, upload
from tests.factories import applicant
from tests.samples import JPG, PDF, PNG

API = "/api/v1"


async def test_a_promised_service_walks_from_checklist_to_acceptance(client, db):
    me = await applicant(client, "walker", person="张三")  # the verified person pre-fills the name
    uid = me["user"]["id"]
    await db.execute("UPDATE users SET name = '张三', phone = '13812345678' WHERE id = $1", uid)
    await licence(db, uid, "id_card", "11010519491231002X", name="居民身份证")
    answers = {"household": "nonlocal"}
    checklist = await client.post(f"{API}/services/taxi-driver-cert/checklist",
                                  json={"answers": answers}, headers=me["headers"])
    assert checklist.status_code == 200, checklist.text
    body = checklist.json()
    exempt = {m["code"] for m in body["materials"] if m["exempt"]}
    assert exempt == {"id_card"} and body["materialsExempt"] == 1
    assert {m["code"] for m in body["materials"]} == {"photo", "id_card", "driving_licence", "residence_permit"}
    prefilled = {f["code"]: f["value"] for f in body["fields"]}
    assert prefilled["applicantName"] == "张三" and prefilled["mobile"] == "13812345678"

    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": answers, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    assert (await upload(client, me["headers"], app_id, "driving_licence", PNG, "jz.png")).status_code == 200

    submitted = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert submitted.status_code == 200, submitted.text
    result = submitted.json()
    assert result["status"] == "needs_supplement"
    assert {g["code"] for g in result["gapNotice"]["gaps"]} == {"photo", "residence_permit"}  # both at once
    assert await db.fetchval("SELECT count(*) FROM gap_notices WHERE application_id = $1", app_id) == 1
    assert await db.fetchval("SELECT count(DISTINCT dedupe_key) FROM notifications "
                             "WHERE event = 'material_gap' AND subject_id = $1", app_id) == 1

    # a resubmission that still lacks something says what, and changes nothing
    assert (await upload(client, me["headers"], app_id, "photo", JPG, "me.jpg")).status_code == 200
    early = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert early.status_code == 422 and [g["code"] for g in early.json()["gaps"]] == ["residence_permit"]
    assert (await upload(client, me["headers"], app_id, "residence_permit", PNG)).status_code == 200
    again = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert again.status_code == 200 and again.json()["status"] == "submitted"

    staff_id = await db.fetchval("SELECT id FROM users WHERE phone = '13900000002'")
    accepted = await service.transition(db, app_id, "accepted", actor_id=staff_id, note="受理")
    assert accepted["status"] == "accepted" and accepted["due_on"] is not None
    view = (await client.get(f"{API}/applications/{app_id}", headers=me["headers"])).json()
    assert [e["toStatus"] for e in view["timeline"] if e["kind"] == "status"] == [
        "submitted", "needs_supplement", "submitted", "accepted"]
    progress = await client.get(f"{API}/progress/{view['publicNo']}")
    assert progress.status_code == 200 and progress.json()["status"] == "accepted"
    assert "张三" not in progress.text and "11010519491231002X" not in progress.text
    qr = await client.get(f"{API}/progress/{view['publicNo']}/qr.png")
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")


async def test_the_oversize_permit_is_approved_with_a_licence_within_the_submit_request(client, db):
    me = await applicant(client, "haulier")
    uid = me["user"]["id"]
    await licence(db, uid, "road_transport_permit", "浙交运管许可温字330300001号")
    await licence(db, uid, "vehicle_licence", "浙C12345")
    start = date.today() + timedelta(days=2)
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "oversize-transport-permit", "answers": {"needsAssessment": "no", "escort": "no"},
        "form": {"companyName": "温州大件物流有限公司", "mobile": "13812345679", "plateNo": "浙C12345",
                 "cargoName": "变压器", "cargoIndivisible": True, "totalLengthM": 20.5, "totalWidthM": 3.2,
                 "totalHeightM": 4.3, "totalMassTons": 95, "route": "G15 温州南—瑞安",
                 "startDate": start.isoformat(), "endDate": (start + timedelta(days=5)).isoformat()}})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    assert (await upload(client, me["headers"], app_id, "cargo_photos", JPG)).status_code == 200
    assert (await upload(client, me["headers"], app_id, "authorization", PDF)).status_code == 200
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "approved"
    assert [lic["type"] for lic in body["licences"]] == ["oversize_permit"]
    assert body["licences"][0]["validUntil"] == (start + timedelta(days=5)).isoformat()
    assert await db.fetchval("SELECT count(DISTINCT dedupe_key) FROM notifications "
                             "WHERE event = 'approval_result' AND subject_id = $1", app_id) == 1
    mine = (await client.get(f"{API}/licences", headers=me["headers"])).json()
    assert "oversize_permit" in {lic["type"] for lic in mine}


async def test_someone_elses_application_does_not_exist_for_another_applicant(client, db):
    owner = await applicant(client, "owner")
    other = await applicant(client, "other")
    created = await client.post(f"{API}/applications", headers=owner["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    app_id = created.json()["id"]
    assert (await upload(client, owner["headers"], app_id, "photo", JPG)).status_code == 200
    h = other["headers"]
    responses = [
        await client.get(f"{API}/applications/{app_id}", headers=h),
        await client.patch(f"{API}/applications/{app_id}", headers=h, json={"form": {"mobile": "13900001111"}}),
        await upload(client, h, app_id, "driving_licence", PNG),
        await client.get(f"{API}/applications/{app_id}/materials/photo", headers=h),
        await client.post(f"{API}/applications/{app_id}/submit", headers=h),
        await client.post(f"{API}/applications/{app_id}/withdraw", headers=h, json={"reason": "x"}),
    ]
    assert [r.status_code for r in responses] == [404] * 6
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "draft"
    own = await client.get(f"{API}/applications/{app_id}/materials/photo", headers=owner["headers"])
    assert own.status_code == 200 and own.content == JPG


async def test_bad_uploads_and_invalid_forms_are_refused_naming_the_field_and_nothing_is_written(client, db):
    me = await applicant(client, "careless", verified=False)  # a draft: typed values are checked as typed
    bad = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"},
        "form": {**TAXI_FORM, "idNumber": "110105194912310021", "mobile": "12345"}})
    assert bad.status_code == 422 and bad.json()["code"] == "form_invalid"
    assert {e["field"] for e in bad.json()["errors"]} == {"form.idNumber", "form.mobile"}
    assert await db.fetchval("SELECT count(*) FROM applications") == 0
    app_id = (await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})).json()["id"]
    too_big = await upload(client, me["headers"], app_id, "photo", JPG + b"\x00" * (10 * 1024 * 1024))
    empty = await upload(client, me["headers"], app_id, "photo", b"")
    disguised = await upload(client, me["headers"], app_id, "photo", b"MZ\x90\x00 not an image", "photo.jpg")
    pdf_for_photo = await upload(client, me["headers"], app_id, "photo", PDF, "photo.pdf")
    assert (too_big.status_code, too_big.json()["code"]) == (413, "file_too_large")
    assert (empty.status_code, empty.json()["code"]) == (422, "file_empty")
    assert (disguised.status_code, disguised.json()["code"]) == (422, "file_type_refused")
    assert (pdf_for_photo.status_code, pdf_for_photo.json()["code"]) == (422, "file_type_refused")
    assert all(r.json()["field"] == "file" for r in (too_big, empty, disguised))
    assert await db.fetchval("SELECT storage_key FROM application_materials "
                             "WHERE application_id = $1 AND material_code = 'photo'", app_id) is None


async def test_submitting_twice_with_the_same_idempotency_key_acts_once(client, db):
    me = await applicant(client, "twice")
    await licence(db, me["user"]["id"], "id_card", "110105194912310029")
    await licence(db, me["user"]["id"], "driving_licence", "DL-1")
    app_id = (await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})).json()["id"]
    assert (await upload(client, me["headers"], app_id, "photo", JPG)).status_code == 200
    key = {**me["headers"], "Idempotency-Key": "submit-1"}
    first = await client.post(f"{API}/applications/{app_id}/submit", headers=key)
    second = await client.post(f"{API}/applications/{app_id}/submit", headers=key)
    assert first.status_code == second.status_code == 200
    assert first.json()["publicNo"] == second.json()["publicNo"] and first.json()["status"] == "submitted"
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE application_id = $1 "
                             "AND to_status = 'submitted' AND kind = 'status'", app_id) == 1


async def test_the_default_address_fills_the_delivery_address_next_time(client, db):
    """F129: 收件地址可保存为默认地址，下次申请直接选用."""
    me = await applicant(client, "addr")
    checklist = lambda: client.post(f"{API}/services/taxi-driver-cert/checklist",  # noqa: E731
                                    json={"answers": {"household": "local"}}, headers=me["headers"])
    before = {f["code"]: f["value"] for f in (await checklist()).json()["fields"]}
    assert before["deliveryAddress"] is None  # nothing saved yet (and never the person's name)
    saved = await client.put(f"{API}/me/address", json={"address": "温州市鹿城区人民路100号"}, headers=me["headers"])
    assert saved.status_code == 200, saved.text
    after = {f["code"]: f for f in (await checklist()).json()["fields"]}
    assert after["deliveryAddress"]["value"] == "温州市鹿城区人民路100号"
