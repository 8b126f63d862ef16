"""FAQ promises that live in the catalogue data, driven through the HTTP API:
F037/F039/F074/F076 (the paper DG permit and freight vehicle certificate are sent by EMS),
F078-F083 (开办运输企业一件事 asks only what it promises), F029 (a ride-hailing car's permit ends
when the car has been registered 8 years)."""

from __future__ import annotations

from datetime import date, timedelta

from stdnum.cn import uscc

from api.clock import today
from tests.applications.helpers import as_enterprise, licence
from tests.approvals.helpers import DG_FORM, people, task_of
from tests.factories import act_as_enterprise, applicant, credit_code_of
from tests.samples import PDF

API = "/api/v1"
TASKS = f"{API}/tasks"
ADDRESS = "温州市鹿城区车站大道1号"
COMPANY = "91330302MA2H8Q1B2" + uscc.calc_check_digit("91330302MA2H8Q1B2")


def upload(client, headers, app_id, code):
    return client.put(f"{API}/applications/{app_id}/materials/{code}", headers=headers,
                      files={"file": ("f.pdf", PDF, "application/octet-stream")})


async def create(client, headers, service_code: str, answers: dict, form: dict) -> int:
    res = await client.post(f"{API}/applications", headers=headers,
                            json={"serviceCode": service_code, "answers": answers, "form": form})
    assert res.status_code == 201, res.text
    return res.json()["id"]


async def submit(client, headers, app_id: int) -> dict:
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=headers)
    assert res.status_code == 200, res.text
    return res.json()


async def approve_every_step(client, db, who, app_id: int, steps=("accept", "review", "lead")) -> None:
    await client.get(TASKS, headers=who["accept"]["headers"])
    for step in steps:
        task = await task_of(db, app_id)
        res = await client.post(f"{TASKS}/{task['id']}/decision", json={"decision": "approve"},
                                headers=who[step]["headers"])
        assert res.status_code == 200, res.text


async def delivery_of(db, app_id: int):
    return await db.fetchrow("SELECT method, address, site_code, status FROM deliveries WHERE application_id = $1",
                             app_id)


# --- F074/F076: the dangerous-goods permit -------------------------------------------------------

async def in_library_of(db, company: dict) -> None:
    """The licences just planted for the legal representative are the enterprise's (issue 20: an
    enterprise's case is exempted by the enterprise's library)."""
    await db.execute("UPDATE licences SET enterprise_id = $1 WHERE holder_id = $2", company["enterprise_id"],
                     company["user"]["id"])


async def test_an_approved_dangerous_goods_permit_is_sent_by_ems_to_the_address_in_the_form(client, db):
    """F074 许可证快递送达 / F076 纸质《道路运输经营许可证》免费快递寄送."""
    who = await people(client, db)
    me, uid = who["applicant"], who["applicant_id"]
    me = await act_as_enterprise(client, me, COMPANY, DG_FORM["companyName"])  # F092: a business's permit
    for kind in ("business_licence", "id_card", "vehicle_licence"):
        await licence(db, uid, kind, f"{kind}-dg")
    await in_library_of(db, me)
    listed = await client.post(f"{API}/services/dangerous-goods-permit/checklist", headers=me["headers"],
                               json={"answers": {"action": "new", "vehicles": "owned", "scope": "general"}})
    assert listed.status_code == 200, listed.text
    fields = {f["code"]: f for f in listed.json()["fields"]}
    assert fields["deliveryMethod"]["options"] == ["快递送达", "窗口自取"] and fields["deliveryAddress"]["required"]
    app_id = await create(client, me["headers"], "dangerous-goods-permit",
                          {"action": "new", "vehicles": "owned", "scope": "general"},
                          {**DG_FORM, "creditCode": COMPANY, "deliveryAddress": ADDRESS})
    for code in ("parking_proof", "parking_plan", "staff_list", "safety_officer", "safety_rules"):
        assert (await upload(client, me["headers"], app_id, code)).status_code == 200
    assert (await submit(client, me["headers"], app_id))["status"] == "submitted"
    await approve_every_step(client, db, who, app_id)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "approved"
    assert tuple(await delivery_of(db, app_id)) == ("express", ADDRESS, None, "pending")
    listed = (await client.get(f"{API}/deliveries", headers=who["lead"]["headers"])).json()["items"]
    assert [d["applicationId"] for d in listed] == [app_id]


async def test_a_dangerous_goods_permit_without_an_address_or_a_window_is_a_gap(client, db):
    """The paper permit must reach the company: no address and no window chosen is asked for."""
    me = await applicant(client, "dgnoaddr")
    uid = me["user"]["id"]
    me = await act_as_enterprise(client, me, COMPANY, DG_FORM["companyName"])  # F092: a business's permit
    for kind in ("business_licence", "id_card", "vehicle_licence"):
        await licence(db, uid, kind, f"{kind}-dgn")
    await in_library_of(db, me)
    app_id = await create(client, me["headers"], "dangerous-goods-permit",
                          {"action": "new", "vehicles": "owned", "scope": "general"}, {**DG_FORM, "creditCode": COMPANY})
    for code in ("parking_proof", "parking_plan", "staff_list", "safety_officer", "safety_rules"):
        assert (await upload(client, me["headers"], app_id, code)).status_code == 200
    assert (await submit(client, me["headers"], app_id))["status"] == "needs_supplement"
    gaps = await db.fetchval("SELECT gaps FROM gap_notices WHERE application_id = $1", app_id)
    assert [g["code"] for g in gaps] == ["deliveryAddress"]


# --- F037/F039: the freight vehicle certificate ----------------------------------------------------

async def _vehicle_certificate(client, db, name: str, delivery: dict) -> int:
    me = await applicant(client, name)
    uid = me["user"]["id"]
    me = await act_as_enterprise(client, me, credit_code_of(name), "温州顺达货运有限公司")  # F092
    for kind in ("road_transport_permit", "vehicle_licence", "vehicle_inspection"):
        await licence(db, uid, kind, f"{kind}-{name}", enterprise_id=me["enterprise_id"])
    app_id = await create(client, me["headers"], "freight-vehicle-cert",
                          {"action": "issue", "vehicleOwner": "operator"},
                          {"companyName": "温州顺达货运有限公司", "creditCode": COMPANY, "plateNo": "浙C12345",
                           "totalMassTons": 18, **delivery})
    done = await submit(client, me["headers"], app_id)
    assert done["status"] == "approved", done  # an instant matter: decided by the machine
    return app_id


async def test_an_issued_freight_vehicle_certificate_is_sent_by_ems_or_waits_at_the_inspection_station(client, db):
    """F037 纸质证件可当场领取或免费快递; F039 纸质证件免费寄送."""
    mailed = await _vehicle_certificate(client, db, "fvcems", {"deliveryAddress": ADDRESS})
    assert tuple(await delivery_of(db, mailed)) == ("express", ADDRESS, None, "pending")
    assert await db.fetchval("SELECT count(*) FROM licences WHERE application_id = $1 "
                             "AND type = 'road_transport_certificate'", mailed) == 1
    held = await _vehicle_certificate(client, db, "fvcpick",
                                      {"deliveryMethod": "窗口自取", "pickupSite": "vehicle-inspection-station"})
    assert tuple(await delivery_of(db, held)) == ("pickup", None, "vehicle-inspection-station", "pending")


# --- F078-F083: 开办运输企业一件事 -------------------------------------------------------------------

# F079: 营业执照、身份证、行驶证、驾驶员从业资格证和车辆检测报告通过证照免交和数据共享获取
HELD = ("business_licence", "id_card", "vehicle_licence", "freight_driver_qualification", "vehicle_inspection")
COMPANY_FORM = {"companyName": "温州顺达货运有限公司", "creditCode": COMPANY, "legalPerson": "王五",
                "mobile": "13812345670", "deliveryAddress": ADDRESS}


async def _checklist(client, headers, answers: dict) -> dict:
    res = await client.post(f"{API}/services/open-transport-company/checklist", headers=headers,
                            json={"answers": answers})
    assert res.status_code == 200, res.text
    return res.json()


async def test_the_company_bundle_asks_only_the_safety_rules_and_not_the_permit_it_issues(client, db):
    """F079 只需2份（申请表在线填写 + 安全生产管理制度文本）; the 道路运输经营许可证 is what the
    bundle issues (F078), never a material it asks for; the certificate is always 配发."""
    me = await applicant(client, "opencoyes")
    uid = me["user"]["id"]
    for kind in HELD:
        await licence(db, uid, kind, f"{kind}-yes")
    me = await as_enterprise(client, db, me, COMPANY_FORM["companyName"], COMPANY)  # F078/F092: a business files
    guide = (await client.get(f"{API}/services/open-transport-company", headers=me["headers"])).json()
    assert [s["code"] for s in guide["situations"]] == ["hasVehicle", "agent", "vehicleOwner"]
    assert "road_transport_permit" not in {m["code"] for m in guide["materials"]}
    assert next(f for f in guide["fields"] if f["code"] == "pickupSite")["options"] == [
        "vehicle-inspection-station", "city-service-centre"]  # F083 在检测站服务站当场领取

    answers = {"hasVehicle": "yes", "agent": "no", "vehicleOwner": "operator"}
    listed = await _checklist(client, me["headers"], answers)
    materials = {m["code"]: m for m in listed["materials"]}
    assert set(materials) == {"safety_rules", *(k for k in HELD if k != "freight_driver_qualification"),
                              "driver_qualification", "inspection_report"} - {"vehicle_inspection"}
    assert [c for c, m in materials.items() if m["required"] and not m["exempt"]] == ["safety_rules"]
    assert {f["code"] for f in listed["fields"]} >= {"plateNo", "totalMassTons", "vehicleCount"}
    refused = await client.post(f"{API}/services/open-transport-company/checklist", headers=me["headers"],
                                json={"answers": {**answers, "action": "reissue"}})
    assert refused.status_code == 422 and refused.json()["code"] == "answers_invalid"

    app_id = await create(client, me["headers"], "open-transport-company", answers,
                          {**COMPANY_FORM, "vehicleCount": 1, "totalMassTons": 18, "plateNo": "浙C12345"})
    assert (await upload(client, me["headers"], app_id, "safety_rules")).status_code == 200
    done = await submit(client, me["headers"], app_id)
    assert done["status"] == "submitted", done
    assert await db.fetchval("SELECT count(*) FROM gap_notices WHERE application_id = $1", app_id) == 0
    slots = await db.fetch("SELECT material_code, storage_key IS NOT NULL AS uploaded, "
                           "exempt_licence_id IS NOT NULL AS exempt FROM application_materials "
                           "WHERE application_id = $1", app_id)
    assert {r["material_code"] for r in slots if r["uploaded"]} == {"safety_rules"}
    assert {r["material_code"] for r in slots if not r["uploaded"]} == {r["material_code"] for r in slots if r["exempt"]}
    assert "road_transport_permit" not in {r["material_code"] for r in slots}


async def test_a_company_without_a_vehicle_is_asked_no_plate_and_no_inspection_report(client, db):
    """F082 车辆尚未购置的，也可先办许可证 (F033: with the 购车承诺书 instead of the vehicle's papers)."""
    me = await applicant(client, "opencono")
    uid = me["user"]["id"]
    for kind in ("business_licence", "id_card"):
        await licence(db, uid, kind, f"{kind}-no")
    me = await as_enterprise(client, db, me, COMPANY_FORM["companyName"], COMPANY)  # F078/F092: a business files
    answers = {"hasVehicle": "no", "agent": "no", "vehicleOwner": "operator"}
    listed = await _checklist(client, me["headers"], answers)
    assert {m["code"] for m in listed["materials"]} == {"safety_rules", "purchase_commitment", "business_licence",
                                                         "id_card"}
    assert not {"plateNo", "totalMassTons", "vehicleCount"} & {f["code"] for f in listed["fields"]}
    app_id = await create(client, me["headers"], "open-transport-company", answers, COMPANY_FORM)
    # a vehicle's plate is not part of this application at all
    res = await client.patch(f"{API}/applications/{app_id}", headers=me["headers"], json={"form": {"plateNo": "浙C12345"}})
    assert res.status_code == 422 and res.json()["code"] == "form_invalid" and "form.plateNo" in res.text
    for code in ("safety_rules", "purchase_commitment"):
        assert (await upload(client, me["headers"], app_id, code)).status_code == 200
    done = await submit(client, me["headers"], app_id)
    assert done["status"] == "submitted", done
    assert await db.fetchval("SELECT count(*) FROM gap_notices WHERE application_id = $1", app_id) == 0
    # decided: the permit is issued, and no 道路运输证 for a vehicle that does not exist yet
    from api.licences import service as licences

    async with db.transaction():
        issued = await licences.issue_licences(db, app_id, actor_id=None)
    assert [lic.type for lic in issued] == ["road_transport_permit"]


# --- F029: the ride-hailing car's permit ---------------------------------------------------------

def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


async def test_a_ride_hailing_permit_ends_when_the_car_has_been_registered_8_years(client, db):
    """F029 车辆自注册登记满8年的，运输证自动失效: a 2-year-old car's permit is good for 6 more
    years, not 8 from the day of issue."""
    who = await people(client, db)
    me, uid = who["applicant"], who["applicant_id"]
    for kind in ("vehicle_licence", "id_card"):
        await licence(db, uid, kind, f"{kind}-rh")
    registered = today() - timedelta(days=2 * 365)
    app_id = await create(client, me["headers"], "ride-hailing-vehicle-permit", {"owner": "person", "action": "new"},
                          {"ownerName": "王小明", "mobile": "13700001111", "plateNo": "浙C6N789", "seats": 5,
                           "registerDate": registered.isoformat(), "platform": "曹操出行"})
    for code in ("gps_install_proof", "alarm_install_proof"):
        assert (await upload(client, me["headers"], app_id, code)).status_code == 200
    assert (await submit(client, me["headers"], app_id))["status"] == "submitted"
    await approve_every_step(client, db, who, app_id)
    permit = await db.fetchrow("SELECT valid_from, valid_until FROM licences WHERE application_id = $1 "
                               "AND type = 'ridehail_vehicle_permit'", app_id)
    assert permit["valid_from"] == today()
    assert permit["valid_until"] == _years_later(registered, 8) - timedelta(days=1)
    mine = (await client.get(f"{API}/licences", headers=me["headers"])).json()
    shown = mine["items"] if isinstance(mine, dict) else mine
    assert any(lic["validUntil"] == permit["valid_until"].isoformat() for lic in shown)
