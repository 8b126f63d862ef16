"""A licence replaced or cancelled stops being valid: the library, verification and exemptions see it
(FAQ F020/F021 deregistration, F028 vehicle update, F039 reissue, F062 ship certificate renewal)."""

from __future__ import annotations

from datetime import date, timedelta

from api.applications import service as applications
from api.clock import today
from api.db import discard_after_commit
from tests.applications.helpers import as_enterprise, draft, licence
from tests.approvals.helpers import people, task_of
from tests.factories import applicant
from tests.licences.helpers import COMPANY, apply, verify

API = "/api/v1"


async def submitted(db, applicant_id: int, service_code: str, *, answers: dict, form: dict,
                    promised_days: int) -> int:
    """A case sent for approval (materials are not what these tests are about)."""
    app = await draft(db, applicant_id, service_code, answers=answers, form=form, promised_days=promised_days)
    async with db.transaction():
        await applications.transition(db, app["id"], "submitted", actor_id=applicant_id)
    discard_after_commit(db)
    return app["id"]


async def _approve_all_steps(client, db, who, app_id: int) -> None:
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])  # opens the tasks
    for step in ("accept", "review", "lead"):
        task = await task_of(db, app_id)
        res = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                                headers=who[step]["headers"])
        assert res.status_code == 200, res.text
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "approved"


async def test_a_reissued_freight_vehicle_certificate_revokes_the_old_one_of_that_plate_only(client, db):
    me = await applicant(client, "fleet")
    uid = me["user"]["id"]
    for typ, number in (("road_transport_permit", "浙交运管许可温字330300009号"), ("vehicle_licence", "VL-1"),
                        ("vehicle_inspection", "VI-1")):
        await licence(db, uid, typ, number)
    me = await as_enterprise(client, db, me, COMPANY["companyName"], COMPANY["creditCode"])  # F092
    owner = {"action": "issue", "vehicleOwner": "operator"}
    first = await apply(client, me, "freight-vehicle-cert", owner,
                        {**COMPANY, "plateNo": "浙C11111", "totalMassTons": 18})
    other = await apply(client, me, "freight-vehicle-cert", owner,
                        {**COMPANY, "plateNo": "浙C22222", "totalMassTons": 18})
    assert first["status"] == "approved", first["gapNotice"]
    old_id, other_id = first["licences"][0]["id"], other["licences"][0]["id"]
    assert (await verify(client, me, old_id))["valid"] is True

    # F039 补发: the new certificate of 浙C11111 takes the old one's place, in the submit request
    again = await apply(client, me, "freight-vehicle-cert", {**owner, "action": "reissue"},
                        {**COMPANY, "plateNo": "浙C11111", "totalMassTons": 18})
    assert again["status"] == "approved"
    new_id = again["licences"][0]["id"]
    old = await db.fetchrow("SELECT * FROM licences WHERE id = $1", old_id)
    assert old["status"] == "revoked" and old["revoked_at"] is not None and old["replaced_by"] == new_id
    assert old["revoked_reason"] == "已补发新证，原证作废" and old["revoked_by_application_id"] == again["id"]
    assert await db.fetchval("SELECT status FROM licences WHERE id = $1", other_id) == "valid"

    listed = {lic["id"]: lic for lic in (await client.get(f"{API}/licences", headers=me["headers"])).json()}
    library = {i: lic["status"] for i, lic in listed.items()}
    assert library[old_id] == "revoked" and library[new_id] == "valid" and library[other_id] == "valid"
    # the holder sees why and since when the old one is no longer valid
    assert listed[old_id]["revokedReason"] == "已补发新证，原证作废" and listed[old_id]["revokedAt"]
    assert listed[new_id]["revokedReason"] is None
    checked = await verify(client, me, old_id)
    assert checked["genuine"] is True and checked["valid"] is False and checked["status"] == "revoked"
    assert (await verify(client, me, new_id))["valid"] is True
    timeline = (await client.get(f"{API}/applications/{again['id']}", headers=me["headers"])).json()["timeline"]
    assert any(e["kind"] == "licence" and "原证照作废" in (e["note"] or "") for e in timeline)


async def test_a_renewed_ship_certificate_voids_the_old_one_and_is_in_force_at_once(client, db):
    me = await applicant(client, "shipowner")
    uid = me["user"]["id"]
    expiry = today() + timedelta(days=40)
    old_id = await licence(db, uid, "ship_operating_certificate", "浙温港航营字0001号", valid_until=expiry,
                           name="船舶营运证")
    checklist = await client.post(f"{API}/services/ship-operating-cert/checklist", json={"answers": {"shipChanged": "no"}},
                                  headers=me["headers"])
    exempt = {m["code"]: m["exemptLicenceId"] for m in checklist.json()["materials"]}
    assert exempt["old_certificate"] == old_id
    done = await apply(client, me, "ship-operating-cert", {"shipChanged": "no"},
                       {**COMPANY, "shipName": "浙温州货1234", "certNo": "浙温港航营字0001号",
                        "certExpiry": expiry.isoformat(), "deliveryAddress": "温州市鹿城区望江东路1号"})
    assert done["status"] == "approved"
    new = done["licences"][0]
    old = await db.fetchrow("SELECT * FROM licences WHERE id = $1", old_id)
    assert old["status"] == "revoked" and old["replaced_by"] == new["id"] and old["revoked_reason"] == "已换发新证，旧证自动作废"
    # no gap without a valid certificate, and no day of the old one lost (F061)
    assert new["validFrom"] == today().isoformat()
    assert new["validUntil"] == (date(expiry.year + 5, expiry.month, expiry.day)).isoformat()
    assert (await verify(client, me, new["id"]))["valid"] is True
    assert (await verify(client, me, old_id))["status"] == "revoked"
    # the revoked certificate no longer stands for the old-certificate material: the new one does
    checklist = await client.post(f"{API}/services/ship-operating-cert/checklist", json={"answers": {"shipChanged": "no"}},
                                  headers=me["headers"])
    exempt = {m["code"]: m["exemptLicenceId"] for m in checklist.json()["materials"]}
    assert exempt["old_certificate"] == new["id"]


async def test_a_vehicle_update_cancels_the_old_cars_ride_hailing_permit(client, db):
    who = await people(client, db)
    uid = who["applicant_id"]
    form = {"ownerName": "王小明", "mobile": "13700001111", "seats": 5, "registerDate": "2025-06-01",
            "platform": "曹操出行"}
    first = await submitted(db, uid, "ride-hailing-vehicle-permit", answers={"owner": "person", "action": "new"},
                            form={**form, "plateNo": "浙C3A001"}, promised_days=1)
    await _approve_all_steps(client, db, who, first)
    old_id = await db.fetchval("SELECT id FROM licences WHERE application_id = $1", first)
    assert (await verify(client, who["applicant"], old_id))["valid"] is True

    update = await submitted(db, uid, "ride-hailing-vehicle-permit", answers={"owner": "person", "action": "replace"},
                             form={**form, "plateNo": "浙C3B002", "oldPlateNo": "浙C3A001"}, promised_days=1)
    await _approve_all_steps(client, db, who, update)
    new = await db.fetchrow("SELECT * FROM licences WHERE application_id = $1", update)
    old = await db.fetchrow("SELECT * FROM licences WHERE id = $1", old_id)
    assert new["status"] == "valid" and new["subject"] == "浙C3B002"
    assert old["status"] == "revoked" and old["replaced_by"] == new["id"]
    assert old["revoked_reason"] == "车辆更新，原车运输证随新车运输证发放注销"
    body = await verify(client, who["applicant"], old_id)
    assert body["valid"] is False and body["status"] == "revoked"


async def test_deregistering_a_driver_revokes_the_service_card_that_registration_issued(client, db):
    who = await people(client, db)
    uid = who["applicant_id"]
    await db.execute("UPDATE users SET company_name = '温州红旗出租汽车有限公司' WHERE id = $1", uid)
    driver = {**COMPANY, "driverName": "李四", "driverIdNumber": "33030219900101123x", "driverMobile": "13733334444"}
    other = {**driver, "driverName": "赵六", "driverIdNumber": "330302198805051234"}
    cards = []
    for form in (driver, other):
        app_id = await submitted(db, uid, "taxi-driver-registration", answers={"action": "register"},
                                 form={**form, "plateNo": "浙CT0001"}, promised_days=1)
        await _approve_all_steps(client, db, who, app_id)
        cards.append(await db.fetchval("SELECT id FROM licences WHERE application_id = $1", app_id))
    assert (await verify(client, who["applicant"], cards[0]))["valid"] is True

    off = await submitted(db, uid, "taxi-driver-registration", answers={"action": "deregister"},
                          form={**driver, "driverIdNumber": "33030219900101123X"}, promised_days=1)
    await _approve_all_steps(client, db, who, off)
    assert await db.fetchval("SELECT count(*) FROM licences WHERE application_id = $1", off) == 0
    card = await db.fetchrow("SELECT * FROM licences WHERE id = $1", cards[0])
    assert card["status"] == "revoked" and card["revoked_reason"] == "从业资格注册已注销"
    assert card["revoked_by_application_id"] == off and card["replaced_by"] is None
    assert await db.fetchval("SELECT status FROM licences WHERE id = $1", cards[1]) == "valid"
    body = await verify(client, who["applicant"], cards[0])
    assert body["valid"] is False and body["status"] == "revoked"
    library = {lic["id"]: lic["status"] for lic in
               (await client.get(f"{API}/licences", headers=who["applicant"]["headers"])).json()}
    assert library[cards[0]] == "revoked" and library[cards[1]] == "valid"
