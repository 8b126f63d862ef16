"""F092: 经营许可, 道路运输证, 包车备案, 维修备案 and 危货许可 are an operator's, and so are the cases acting on
those licences (renewal, change, cancellation, void) and 开办运输企业一件事 issuing them (F078): a person is refused before submission and told to
switch to the enterprise; an enterprise files them — a 个体工商户 too (F032, verified by its business
licence) — the licences land in its library and the lifecycle cases act on that library."""

from __future__ import annotations

from datetime import timedelta

from api.clock import today
from tests.applications.helpers import licence
from tests.enterprises.helpers import API
from tests.factories import act_as_enterprise, applicant, credit_code_of
from tests.samples import PDF

CONTACT = {"mobile": "13800138000", "deliveryAddress": "温州市鹿城区车站大道1号"}
CHARTER_DAY = today() + timedelta(days=2)
NEW = {  # service: (answers, form)
    "freight-operating-permit": ({"hasVehicle": "no", "agent": "no"}, {
        "companyName": "温州顺达货运有限公司", "legalPerson": "王五", **CONTACT}),
    "freight-vehicle-cert": ({"action": "issue", "vehicleOwner": "operator"}, {
        "companyName": "温州顺达货运有限公司", "plateNo": "浙C12345", "totalMassTons": 18,
        "deliveryAddress": CONTACT["deliveryAddress"]}),
    "charter-filing": ({"interprovincial": "no"}, {
        "companyName": "温州顺达客运有限公司", "plateNo": "浙C88888", "driverName": "李四", "driverMobile": "13812340000",
        "origin": "温州", "destination": "杭州", "departDate": CHARTER_DAY.isoformat(),
        "returnDate": (CHARTER_DAY + timedelta(days=1)).isoformat()}),
    "open-transport-company": ({"hasVehicle": "no", "agent": "no", "vehicleOwner": "operator"}, {  # F078
        "companyName": "温州顺达货运有限公司", "legalPerson": "王五", **CONTACT}),
    "repair-filing": ({"category": "class3"}, {
        "companyName": "鹿城区小明汽修店", "legalPerson": "陈小明", "mobile": "13800138000", "siteAddress": "温州市鹿城区1号"}),
}
COMPANY_FORM = {"companyName": "温州顺达货运有限公司", "legalPerson": "王五", "address": "温州市龙湾区永强大道88号",
                **CONTACT}
LIFECYCLE = {  # service: (the licence type it acts on, form)
    "freight-operating-permit-renewal": ("road_transport_permit", CONTACT),
    "freight-operating-permit-change": ("road_transport_permit", COMPANY_FORM),
    "dangerous-goods-permit-renewal": ("dangerous_goods_permit", CONTACT),
    "freight-vehicle-cert-cancel": ("road_transport_certificate", {"reason": "报废", "mobile": "13800138000"}),
    "repair-filing-change": ("repair_filing_receipt", {"companyName": "鹿城区小明汽修店", "legalPerson": "陈小明",
                                                       "address": "温州市鹿城区2号", "category": "三类汽车维修",
                                                       "mobile": "13800138000"}),
    "repair-filing-cancel": ("repair_filing_receipt", {"reason": "停业", "mobile": "13800138000"}),
    "charter-filing-void": ("charter_plate", {"reason": "包车取消", "mobile": "13800138000"}),
}


def _told_to_switch(res) -> None:
    assert res.status_code == 422, res.text
    problem = res.json()
    assert problem["code"] == "holder_kind_mismatch" and problem["switchTo"] == "enterprise" and problem["faq"] == "F092"
    assert "个体工商户也按企业身份办理" in problem["detail"] and "切换到企业身份" in problem["detail"], problem


async def _created(client, headers, body: dict) -> int:
    res = await client.post(f"{API}/applications", headers=headers, json=body)
    assert res.status_code == 201, res.text
    return res.json()["id"]


async def _submit(client, headers, app_id: int):
    return await client.post(f"{API}/applications/{app_id}/submit", headers=headers)


async def _upload(client, headers, app_id: int, code: str) -> None:
    res = await client.put(f"{API}/applications/{app_id}/materials/{code}", headers=headers,
                           files={"file": ("m.pdf", PDF, "application/pdf")})
    assert res.status_code == 200, res.text


async def test_a_person_is_told_to_switch_to_the_enterprise_for_every_operators_service(client, db):
    me = await applicant(client, "trucker")
    uid = me["user"]["id"]
    drafts = [await _created(client, me["headers"], {"serviceCode": code, "answers": answers, "form": form})
              for code, (answers, form) in NEW.items()]
    # licences a person held before subjects existed: the cases acting on them are the enterprise's too
    until = today() + timedelta(days=60)  # inside every renewal window
    for code, (licence_type, form) in LIFECYCLE.items():
        held = await licence(db, uid, licence_type, f"{code}-1", valid_until=until)
        drafts.append(await _created(client, me["headers"], {"serviceCode": code, "licenceId": held, "form": form}))
    for app_id in drafts:
        _told_to_switch(await _submit(client, me["headers"], app_id))
    statuses = await db.fetch("SELECT status FROM applications WHERE id = ANY($1::bigint[])", drafts)
    assert len(statuses) == len(NEW) + len(LIFECYCLE) and {r["status"] for r in statuses} == {"draft"}
    assert await db.fetchval("SELECT count(*) FROM licences WHERE application_id IS NOT NULL") == 0


async def test_an_individual_business_gets_the_permit_in_its_library_and_changes_it_as_the_enterprise(client, db):
    owner = await applicant(client, "getihu-freight")
    code = credit_code_of("鹿城区小明货运部", "individual_business")
    shop = await act_as_enterprise(client, owner, code, "鹿城区小明货运部", kind="individual_business")
    for kind, number in (("business_licence", code), ("id_card", owner["identity"]["idNumber"])):
        await licence(db, owner["user"]["id"], kind, number, enterprise_id=shop["enterprise_id"])

    answers, form = NEW["freight-operating-permit"]
    app_id = await _created(client, shop["headers"], {"serviceCode": "freight-operating-permit", "answers": answers,
                                                      "form": form})
    for material in ("safety_rules", "purchase_commitment"):
        await _upload(client, shop["headers"], app_id, material)
    done = await _submit(client, shop["headers"], app_id)
    assert done.status_code == 200 and done.json()["status"] == "approved", done.text  # F032: 个体户 too, instantly
    [permit] = done.json()["licences"]
    assert done.json()["form"]["companyName"] == "鹿城区小明货运部" and done.json()["form"]["creditCode"] == code
    ours = {lic["id"] for lic in (await client.get(f"{API}/licences", headers=shop["headers"])).json()}
    mine = {lic["id"] for lic in (await client.get(f"{API}/licences", headers=owner["headers"])).json()}
    assert permit["id"] in ours and permit["id"] not in mine

    # the change acts on the enterprise's permit: the person's library has none to act on
    body = {"serviceCode": "freight-operating-permit-change", "licenceId": permit["id"], "form": COMPANY_FORM}
    res = await client.post(f"{API}/applications", headers=owner["headers"], json=body)
    assert res.status_code == 404 and res.json()["code"] == "acted_licence_not_found", res.text
    change = await _created(client, shop["headers"], body)
    changed = await _submit(client, shop["headers"], change)
    assert changed.status_code == 200 and changed.json()["status"] == "approved", changed.text
    [new] = changed.json()["licences"]
    row = await db.fetchrow("SELECT enterprise_id, data FROM licences WHERE id = $1", new["id"])
    assert row["enterprise_id"] == shop["enterprise_id"] and row["data"]["details"]["address"] == COMPANY_FORM["address"]
    assert await db.fetchval("SELECT replaced_by FROM licences WHERE id = $1", permit["id"]) == new["id"]

    # a repair filing gets past the subject check too (to pre-review: nothing uploaded here)
    answers, form = NEW["repair-filing"]
    repair = await _created(client, shop["headers"], {"serviceCode": "repair-filing", "answers": answers, "form": form})
    res = await _submit(client, shop["headers"], repair)
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text


async def test_a_company_files_a_charter_and_voids_its_plate_from_its_own_library(client, db):
    boss = await applicant(client, "charterboss")
    company = await act_as_enterprise(client, boss, credit_code_of("温州顺达客运有限公司"), "温州顺达客运有限公司")
    uid, ent = boss["user"]["id"], company["enterprise_id"]
    await licence(db, uid, "charter_permit", "浙交运管包字330300009号", name="包车客运经营许可证", enterprise_id=ent)
    cert = await licence(db, uid, "road_transport_certificate", "浙交运管温字330300999999号", name="道路运输证",
                         enterprise_id=ent)
    await db.execute("UPDATE licences SET subject = '浙C88888' WHERE id = $1", cert)

    answers, form = NEW["charter-filing"]
    app_id = await _created(client, company["headers"], {"serviceCode": "charter-filing", "answers": answers,
                                                         "form": form})
    await _upload(client, company["headers"], app_id, "charter_contract")
    done = await _submit(client, company["headers"], app_id)
    assert done.status_code == 200 and done.json()["status"] == "approved", done.text
    [plate] = done.json()["licences"]
    assert await db.fetchval("SELECT enterprise_id FROM licences WHERE id = $1", plate["id"]) == ent

    void = await _created(client, company["headers"], {"serviceCode": "charter-filing-void", "licenceId": plate["id"],
                                                       "form": LIFECYCLE["charter-filing-void"][1]})
    res = await _submit(client, company["headers"], void)
    assert res.status_code == 200 and res.json()["status"] == "approved", res.text
    library = {lic["id"]: lic["status"] for lic in (await client.get(f"{API}/licences", headers=company["headers"])).json()}
    assert library[plate["id"]] == "revoked"
