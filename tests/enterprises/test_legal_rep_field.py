"""F091: on an enterprise's case the form's 法定代表人 (legalPerson) is the enterprise's verified legal
representative — pre-filled and locked in the checklist, and re-derived at submission whatever the
acting 经办人 typed (the verified name and code are stamped the same way, and so is 车辆所有人 when the
company owns the vehicle, F092)."""

from __future__ import annotations

from tests.enterprises.helpers import API, act_for, credit_code, enterprise, grant, verified, with_phone
from tests.samples import PDF

PERMIT = "freight-operating-permit"
ANSWERS = {"hasVehicle": "no", "agent": "no"}
CLERK_PHONE = "13700002333"
RIDE = "ride-hailing-vehicle-permit"
RIDE_ANSWERS = {"owner": "company", "action": "new"}
RIDE_FORM = {"mobile": "13800138000", "plateNo": "浙C12345", "seats": 5, "registerDate": "2024-01-01", "platform": "滴滴出行"}


async def test_an_agents_typed_legal_person_is_replaced_by_the_enterprises_legal_representative(client, db):
    boss = await verified(client, "lp-boss", "王大锤", "11010519800101125")
    clerk = await verified(client, "lp-clerk", "李小二", "11010519850202123")
    await with_phone(db, clerk, CLERK_PHONE)
    ent = await enterprise(client, boss, credit_code("91330300MA2ABCDE1"), "温州顺达物流有限公司")
    assert (await grant(client, boss, ent, CLERK_PHONE, [PERMIT])).status_code == 201
    as_ent = await act_for(client, clerk, ent)

    listed = await client.post(f"{API}/services/{PERMIT}/checklist", headers=as_ent, json={"answers": ANSWERS})
    assert listed.status_code == 200, listed.text
    [field] = [f for f in listed.json()["fields"] if f["code"] == "legalPerson"]
    assert (field["value"], field["locked"]) == ("王大锤", True), field  # not the acting clerk's name

    form = {"companyName": "温州顺达物流有限公司", "legalPerson": "李小二", "mobile": "13800138000",
            "deliveryAddress": "温州市鹿城区车站大道1号"}
    res = await client.post(f"{API}/applications", headers=as_ent,
                            json={"serviceCode": PERMIT, "answers": ANSWERS, "form": form})
    assert res.status_code == 201, res.text
    app_id = res.json()["id"]
    for material in ("safety_rules", "purchase_commitment"):
        up = await client.put(f"{API}/applications/{app_id}/materials/{material}", headers=as_ent,
                              files={"file": ("m.pdf", PDF, "application/pdf")})
        assert up.status_code == 200, up.text
    sent = await client.post(f"{API}/applications/{app_id}/submit", headers=as_ent)
    assert sent.status_code == 200 and sent.json()["status"] != "draft", sent.text
    case = (await client.get(f"{API}/applications/{app_id}", headers=as_ent)).json()
    assert case["form"]["legalPerson"] == "王大锤", case["form"]
    assert case["form"]["companyName"] == "温州顺达物流有限公司"


async def test_the_vehicle_owner_on_an_enterprises_ride_hailing_permit_is_the_enterprise_not_the_clerk(client, db):
    boss = await verified(client, "lp-boss2", "王大锤", "11010519800101125")
    clerk = await verified(client, "lp-clerk2", "李小二", "11010519850202123")
    await with_phone(db, clerk, CLERK_PHONE)
    ent = await enterprise(client, boss, credit_code("91330300MA2ABCDE1"), "温州顺达物流有限公司")
    assert (await grant(client, boss, ent, CLERK_PHONE, [RIDE, PERMIT])).status_code == 201
    as_ent = await act_for(client, clerk, ent)

    # F092: the company owns the vehicle, so 车辆所有人 is the company, pre-filled and locked from the verified enterprise
    listed = await client.post(f"{API}/services/{RIDE}/checklist", headers=as_ent, json={"answers": RIDE_ANSWERS})
    assert listed.status_code == 200, listed.text
    [owner] = [f for f in listed.json()["fields"] if f["code"] == "ownerName"]
    assert (owner["value"], owner["prefilledFrom"], owner["locked"]) == ("温州顺达物流有限公司", "enterprise.name", True)
    permit = await client.post(f"{API}/services/{PERMIT}/checklist", headers=as_ent, json={"answers": ANSWERS})
    fields = {f["code"]: f for f in permit.json()["fields"]}
    assert (fields["companyName"]["value"], fields["companyName"]["locked"]) == ("温州顺达物流有限公司", True)
    assert (fields["creditCode"]["value"], fields["creditCode"]["locked"]) == (credit_code("91330300MA2ABCDE1"), True)

    # typed as the clerk: the case names the enterprise all the same
    res = await client.post(f"{API}/applications", headers=as_ent,
                            json={"serviceCode": RIDE, "answers": RIDE_ANSWERS, "form": {**RIDE_FORM, "ownerName": "李小二"}})
    assert res.status_code == 201, res.text
    assert res.json()["form"]["ownerName"] == "温州顺达物流有限公司"
