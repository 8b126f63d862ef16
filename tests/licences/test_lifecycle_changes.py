"""补发, 变更, 注销 and staff 作废 (issue 22; F029, F036, F041, F070, F150): each acts on one licence of the
holder's library and shows at once in the library, /verify and exemptions."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.clock import ZONE, today
from tests.applications.helpers import as_enterprise, licence
from tests.approvals.helpers import task_of
from tests.clock import use_clock
from tests.factories import applicant, staff
from tests.licences.helpers import file

API = "/api/v1"
CONTACT = {"mobile": "13800138000", "deliveryAddress": "温州市鹿城区人民路100号"}


async def _verify(client, who, licence_id: int) -> dict:
    link = await client.get(f"{API}/licences/{licence_id}/verification-link", headers=who["headers"])
    assert link.status_code == 200, link.text
    return (await client.get(f"/verify/{link.json()['token']}")).json()


async def _library(client, who) -> dict[int, dict]:
    return {lic["id"]: lic for lic in (await client.get(f"{API}/licences", headers=who["headers"])).json()}


async def test_a_reissue_voids_the_old_number_once_approved_and_keeps_the_validity(client, db):
    me = await applicant(client, "lc-11")
    approver = await staff(client, db, phone="13900002201", roles=["approver"], steps=["decide"])
    expiry = today() + timedelta(days=400)
    old_id = await licence(db, me["user"]["id"], "taxi_driver_qualification", "QC-LOST-1", valid_until=expiry,
                           name="巡游出租汽车驾驶员从业资格证")
    actions = (await client.get(f"{API}/licences/{old_id}/actions", headers=me["headers"])).json()
    by_code = {a["serviceCode"]: a for a in actions}
    assert by_code["taxi-driver-cert-reissue"]["available"] is True
    renewal = by_code["taxi-driver-cert-renewal"]  # not yet: 400 days to go
    assert renewal["available"] is False and renewal["opensOn"] == (expiry - timedelta(days=90)).isoformat()

    filed = await file(client, me, "taxi-driver-cert-reissue", old_id, {"reason": "遗失", **CONTACT})
    assert filed["status"] == "submitted" and filed["licenceId"] == old_id
    # F150 补发期间电子证照一直可以正常使用; one filed case per licence at a time
    assert (await _verify(client, me, old_id))["valid"] is True
    second = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert-reissue", "licenceId": old_id, "form": {"reason": "损坏", **CONTACT}})
    assert second.status_code == 409 and second.json()["code"] == "licence_action_pending"
    assert second.json()["publicNo"] == filed["publicNo"]

    await client.get(f"{API}/tasks", headers=approver["headers"])  # the queue opens the task
    task = await task_of(db, filed["id"])
    res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=approver["headers"])
    assert res.status_code == 200, res.text
    new = await db.fetchrow("SELECT * FROM licences WHERE application_id = $1", filed["id"])
    assert new["number"] != "QC-LOST-1" and new["valid_until"] == expiry and new["status"] == "valid"
    old = await db.fetchrow("SELECT * FROM licences WHERE id = $1", old_id)
    assert old["status"] == "revoked" and old["revoked_reason"] == "已补发新证，原证作废"
    assert old["replaced_by"] == new["id"]
    checked = await _verify(client, me, old_id)
    assert checked["valid"] is False and checked["status"] == "revoked" and checked["number"] == "QC-LOST-1"
    assert (await _verify(client, me, new["id"]))["valid"] is True
    library = await _library(client, me)
    assert library[old_id]["status"] == "revoked" and library[new["id"]]["status"] == "valid"


async def test_a_change_reissues_the_permit_with_the_new_details(client, db):
    me = await applicant(client, "lc-12")
    uid = me["user"]["id"]
    expiry = today() + timedelta(days=1000)
    old_id = await licence(db, uid, "road_transport_permit", "浙交运管许可温字330300001号", valid_until=expiry,
                           name="道路运输经营许可证（普通货运）")
    await licence(db, uid, "business_licence", "91330300MA2ABCDE14", name="营业执照")
    # F092: filed as the enterprise, whose verified business licence already bears the new name
    me = await as_enterprise(client, db, me, "温州顺达物流（集团）有限公司", "91330300MA2ABCDE14")
    done = await file(client, me, "freight-operating-permit-change", old_id, {
        "companyName": "温州顺达物流（集团）有限公司", "creditCode": "91330300MA2ABCDE14",
        "address": "温州市龙湾区永强大道88号", "legalPerson": "李四", **CONTACT})
    assert done["status"] == "approved", done  # F036: 即办件
    new = done["licences"][0]
    assert new["type"] == "road_transport_permit" and new["validUntil"] == expiry.isoformat()
    data = await db.fetchval("SELECT data FROM licences WHERE id = $1", new["id"])
    assert data["details"]["companyName"] == "温州顺达物流（集团）有限公司" and data["details"]["legalPerson"] == "李四"
    assert data["lifecycle"]["kind"] == "change" and data["lifecycle"]["previousLicenceId"] == old_id
    assert "mobile" not in data["details"] and "deliveryAddress" not in data["details"]  # the case's, not the permit's
    old = await db.fetchrow("SELECT * FROM licences WHERE id = $1", old_id)
    assert old["status"] == "revoked" and old["replaced_by"] == new["id"] and "变更" in old["revoked_reason"]
    assert (await _verify(client, me, old_id))["status"] == "revoked"
    # the changed permit stands for the permit in other services' checklists at once
    checklist = await client.post(f"{API}/services/freight-vehicle-cert/checklist",
                                  json={"answers": {"action": "issue", "vehicleOwner": "operator"}}, headers=me["headers"])
    exempt = {m["code"]: m["exemptLicenceId"] for m in checklist.json()["materials"]}
    assert new["id"] in exempt.values() and old_id not in exempt.values()


async def test_a_cancellation_revokes_the_licence_with_the_holders_reason(client, db):
    me = await applicant(client, "lc-13")
    permit = await licence(db, me["user"]["id"], "ridehail_vehicle_permit", "WY-0001",
                           valid_until=today() + timedelta(days=900), name="网络预约出租汽车运输证")
    done = await file(client, me, "ride-hailing-vehicle-permit-cancel", permit,
                      {"reason": "车辆报废", "mobile": "13800138000"})
    assert done["status"] == "approved" and done["licences"] == []  # F029: 当日办结, nothing new issued
    row = await db.fetchrow("SELECT * FROM licences WHERE id = $1", permit)
    assert row["status"] == "revoked" and row["revoked_reason"] == "网络预约出租汽车运输证注销：车辆报废"
    assert row["revoked_by_application_id"] == done["id"] and row["replaced_by"] is None
    assert (await _verify(client, me, permit))["status"] == "revoked"
    assert (await _library(client, me))[permit]["revokedReason"] == "网络预约出租汽车运输证注销：车辆报废"
    timeline = done["timeline"]
    assert any(e["kind"] == "licence" and "车辆报废" in (e["note"] or "") for e in timeline)


async def test_staff_void_a_licence_with_a_reason_recorded_in_the_audit_chain(client, db):
    me = await applicant(client, "lc-14")
    lead = await staff(client, db, phone="13900002202", roles=["approver", "lead"], steps=["decide"])
    approver = await staff(client, db, phone="13900002203", roles=["approver"], steps=["decide"])
    old_id = await licence(db, me["user"]["id"], "taxi_driver_qualification", "QC-V-1",
                           valid_until=today() + timedelta(days=30))
    renewed = await file(client, me, "taxi-driver-cert-renewal", old_id, CONTACT)
    lic_id = renewed["licences"][0]["id"]

    body = {"reason": "发现申请材料虚假，依法撤销"}
    assert (await client.post(f"{API}/licences/{lic_id}/void", json=body, headers=me["headers"])).status_code == 403
    assert (await client.post(f"{API}/licences/{lic_id}/void", json=body,
                              headers=approver["headers"])).status_code == 403
    bad = await client.post(f"{API}/licences/{lic_id}/void", json={"reason": " "}, headers=lead["headers"])
    assert bad.status_code == 400
    # voided on the app's clock (one clock: not the database's), two days after it was issued
    voided_at = (datetime.now(ZONE) + timedelta(days=2)).replace(microsecond=0)
    use_clock(client, voided_at)
    res = await client.post(f"{API}/licences/{lic_id}/void", json=body, headers=lead["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "revoked" and res.json()["revokedReason"] == body["reason"]
    row = await db.fetchrow("SELECT * FROM licences WHERE id = $1", lic_id)
    assert row["revoked_by"] == lead["user"]["id"] and row["revoked_at"] == voided_at
    # a checker scanning the code sees since when it is void (not why: the reason is the holder's)
    link = (await client.get(f"{API}/licences/{lic_id}/verification-link", headers=me["headers"])).json()
    checked = (await client.get(f"/verify/{link['token']}")).json()
    assert checked["status"] == "revoked" and datetime.fromisoformat(checked["revokedAt"]) == voided_at
    assert body["reason"] not in str(checked)
    page = await client.get(f"/verify/{link['token']}", headers={"Accept": "text/html"})
    assert f"失效时间</dt><dd>{voided_at:%Y-%m-%d %H:%M}" in page.text and body["reason"] not in page.text
    assert (await _library(client, me))[lic_id]["revokedReason"] == body["reason"]
    # on the issuing case's timeline, linked into the hash chain
    event = await db.fetchrow("SELECT * FROM application_events WHERE application_id = $1 AND note LIKE '证照作废%'",
                              renewed["id"])
    assert event is not None and event["actor_id"] == lead["user"]["id"]
    assert await db.fetchval("SELECT count(*) FROM audit_chain WHERE event_id = $1", event["id"]) == 1
    again = await client.post(f"{API}/licences/{lic_id}/void", json=body, headers=lead["headers"])
    assert again.status_code == 409 and again.json()["code"] == "licence_not_voidable"
    missing = await client.post(f"{API}/licences/999999/void", json=body, headers=lead["headers"])
    assert missing.status_code == 404
