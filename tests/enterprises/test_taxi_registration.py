"""F017-F021: the taxi company (acting as the enterprise) files its driver's 从业资格注册 with the labour
contract; the driver confirms it in 待确认事项; only then is it submitted; on approval the electronic
service card is in the driver's library and the company sees it."""

from __future__ import annotations

from stdnum.cn import uscc

from tests.applications.helpers import licence
from tests.approvals.helpers import people, task_of
from tests.enterprises.helpers import API
from tests.factories import act_as_enterprise, applicant
from tests.samples import PDF

TAXI_CO = "91330302MA2K7X1C3" + uscc.calc_check_digit("91330302MA2K7X1C3")


async def test_the_company_files_the_driver_confirms_and_the_card_lands_with_the_driver(client, db):
    who = await people(client, db)
    driver, driver_id = who["applicant"], who["applicant_id"]
    for kind in ("taxi_driver_qualification", "driving_licence"):  # from the library: not uploaded (F019)
        await licence(db, driver_id, kind, f"{kind}-wang")
    boss = await act_as_enterprise(client, await applicant(client, "taxiboss"), TAXI_CO, "温州顺风出租汽车有限公司")
    body = {"driverName": driver["identity"]["name"], "driverIdNumber": driver["identity"]["idNumber"],
            "plateNo": "浙CT1234"}

    as_person = await client.post(f"{API}/agency/taxi-registrations", headers=driver["headers"], json=body)
    assert as_person.status_code == 409 and as_person.json()["code"] == "agency_as_person", as_person.text
    unknown = await client.post(f"{API}/agency/taxi-registrations", headers=boss["headers"],
                                json={**body, "driverName": "张三丰"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "principal_not_found"
    res = await client.post(f"{API}/agency/taxi-registrations", headers=boss["headers"], json=body)
    assert res.status_code == 201, res.text
    filing = res.json()
    assert (filing["kind"], filing["status"]) == ("taxi", "awaiting_confirmation")
    app_id = filing["applicationId"]

    # the company uploads the labour contract; the case waits for the driver
    up = await client.put(f"{API}/applications/{app_id}/materials/labour_contract", headers=boss["headers"],
                          files={"file": ("劳动合同.pdf", PDF, "application/pdf")})
    assert up.status_code == 200, up.text
    early = await client.post(f"{API}/applications/{app_id}/submit", headers=boss["headers"])
    assert early.status_code == 409 and early.json()["code"] == "agency_unconfirmed", early.text

    # the driver's 待确认事项: the message, the filing and the generated registration form
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 "
                             "AND event = 'taxi_registration_confirm' AND channel = 'inapp'", driver_id) == 1
    [pending] = (await client.get(f"{API}/agency/requests", headers=driver["headers"])).json()
    assert pending["id"] == filing["id"] and pending["status"] == "awaiting_confirmation"
    form = (await client.get(f"{API}/applications/{app_id}", headers=driver["headers"])).json()["form"]
    assert form["companyName"] == "温州顺风出租汽车有限公司" and form["creditCode"] == TAXI_CO
    assert form["driverName"] == driver["identity"]["name"] and form["driverMobile"] == "13700001111"
    ok = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=driver["headers"], json={})
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed", ok.text

    sent = await client.post(f"{API}/applications/{app_id}/submit", headers=boss["headers"])
    assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.text
    await client.get(f"{API}/tasks", headers=who["accept"]["headers"])  # the queue opens the task
    for step in ("accept", "review", "lead"):
        task = await task_of(db, app_id)
        done = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                                 headers=who[step]["headers"])
        assert done.status_code == 200, done.text

    cards = [lic for lic in (await client.get(f"{API}/licences", headers=driver["headers"])).json()
             if lic["type"] == "taxi_service_card"]
    assert len(cards) == 1, cards
    [shown] = (await client.get(f"{API}/agency/taxi-registrations", headers=boss["headers"])).json()
    assert shown["cardNumber"] == cards[0]["number"] and shown["cardValidUntil"] == cards[0]["validUntil"]
    # the card is the driver's, not the company's
    assert not any(lic["type"] == "taxi_service_card"
                   for lic in (await client.get(f"{API}/licences", headers=boss["headers"])).json())
    # another enterprise (or a stranger) sees none of it
    other = await applicant(client, "stranger")
    assert (await client.get(f"{API}/applications/{app_id}", headers=other["headers"])).status_code == 404
    assert (await client.get(f"{API}/agency/filings/{filing['id']}", headers=other["headers"])).status_code == 404


async def test_a_driver_who_refuses_ends_the_companys_reach(client, db):
    who = await people(client, db)
    driver = who["applicant"]
    boss = await act_as_enterprise(client, await applicant(client, "taxiboss"), TAXI_CO, "温州顺风出租汽车有限公司")
    res = await client.post(f"{API}/agency/taxi-registrations", headers=boss["headers"], json={
        "driverName": driver["identity"]["name"], "driverIdNumber": driver["identity"]["idNumber"],
        "plateNo": "浙CT1234"})
    assert res.status_code == 201, res.text
    no = await client.post(f"{API}/agency/filings/{res.json()['id']}/refuse", headers=driver["headers"])
    assert no.status_code == 200 and no.json()["status"] == "refused"
    app_id = res.json()["applicationId"]
    assert (await client.get(f"{API}/applications/{app_id}", headers=boss["headers"])).status_code == 404
