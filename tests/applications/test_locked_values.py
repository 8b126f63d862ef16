"""Pre-filled locked values are derived again at submission (issue 21 follow-up): a client that edits a
value the checklist locked (a licence's date or number, the verified person's name) does not get it
accepted — a licence's value must be one licence's of the subject (422 prefilled_value_changed), an
identity's value is replaced by the identity."""

from __future__ import annotations

from datetime import timedelta

from api.clock import today

from tests.applications.helpers import licence
from tests.factories import applicant, credit_code_of

API = "/api/v1"


async def _draft(client, who, service: str, answers: dict, form: dict) -> int:
    res = await client.post(f"{API}/applications", headers=who["headers"],
                            json={"serviceCode": service, "answers": answers, "form": form})
    assert res.status_code == 201, res.text
    return res.json()["id"]


async def test_a_changed_licence_date_is_refused_and_the_licences_own_value_goes_through(client, db):
    me = await applicant(client, "locked-driver")
    lic = await licence(db, me["user"]["id"], "driving_licence", "330302199001011234", name="机动车驾驶证")
    await db.execute("""UPDATE licences SET data = '{"firstIssueDate": "2021-03-01"}' WHERE id = $1""", lic)
    checklist = await client.post(f"{API}/services/taxi-driver-cert/checklist", headers=me["headers"],
                                  json={"answers": {"household": "local"}})
    field = next(f for f in checklist.json()["fields"] if f["code"] == "firstLicenceDate")
    assert field["value"] == "2021-03-01" and field["locked"] is True

    # the attack: three years' driving claimed instead of the licence's date
    app_id = await _draft(client, me, "taxi-driver-cert", {"household": "local"}, {
        "mobile": "13812345678", "firstLicenceDate": "2010-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"})
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 422, res.text
    body = res.json()
    assert body["code"] == "prefilled_value_changed" and "发证机关" in body["title"]
    assert body["errors"] == [{"field": "form.firstLicenceDate", "message": "“驾驶证初次领证日期”须与您的机动车驾驶证一致，不能修改"}]
    case = (await client.get(f"{API}/applications/{app_id}", headers=me["headers"])).json()
    assert case["status"] == "draft" and case["form"]["firstLicenceDate"] == "2010-03-01"  # nothing stored

    fixed = await client.patch(f"{API}/applications/{app_id}", headers=me["headers"],
                               json={"form": {"firstLicenceDate": "2021-03-01"}})
    assert fixed.status_code == 200, fixed.text
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] != "draft", res.text


async def test_a_licence_number_must_be_one_licences_with_that_licences_expiry(client, db):
    me = await applicant(client, "locked-ship")
    until_a, until_b = today() + timedelta(days=400), today() + timedelta(days=800)
    await licence(db, me["user"]["id"], "ship_operating_certificate", "浙温船营字0001号", valid_until=until_a,
                  name="船舶营业运输证")
    await licence(db, me["user"]["id"], "ship_operating_certificate", "浙温船营字0002号", valid_until=until_b,
                  name="船舶营业运输证")
    form = {"companyName": "温州瓯江航运有限公司", "creditCode": credit_code_of("温州瓯江航运有限公司"), "shipName": "瓯江168",
            "deliveryAddress": "温州市鹿城区车站大道1号"}
    answers = {"shipChanged": "no"}

    forged = await _draft(client, me, "ship-operating-cert", answers,
                          {**form, "certNo": "浙温船营字9999号", "certExpiry": until_a.isoformat()})
    res = await client.post(f"{API}/applications/{forged}/submit", headers=me["headers"])
    assert res.status_code == 422 and res.json()["code"] == "prefilled_value_changed", res.text
    assert [e["field"] for e in res.json()["errors"]] == ["form.certNo"]

    # each value is one of the person's licences, but not the same licence's: refused too
    mixed = await _draft(client, me, "ship-operating-cert", answers,
                         {**form, "certNo": "浙温船营字0001号", "certExpiry": until_b.isoformat()})
    res = await client.post(f"{API}/applications/{mixed}/submit", headers=me["headers"])
    assert res.status_code == 422 and res.json()["code"] == "prefilled_value_changed", res.text
    assert "同一本船舶营业运输证" in res.json()["detail"]

    # the second licence, whole: accepted (a person with two ships picks either)
    second = await _draft(client, me, "ship-operating-cert", answers,
                          {**form, "certNo": "浙温船营字0002号", "certExpiry": until_b.isoformat()})
    res = await client.post(f"{API}/applications/{second}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text


async def test_a_changed_owner_name_is_replaced_by_the_verified_persons(client, db):
    me = await applicant(client, "locked-owner")
    spec = (await client.get(f"{API}/services/ride-hailing-vehicle-permit")).json()
    answers = {s["code"]: s["options"][0]["value"] for s in spec["situations"]}
    answers["owner"] = "person"
    app_id = await _draft(client, me, "ride-hailing-vehicle-permit", answers, {
        "ownerName": "王五", "mobile": "13812345678", "plateNo": "浙C12345", "seats": 5, "registerDate": "2024-01-01",
        "platform": "滴滴出行"})
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["form"]["ownerName"] == me["identity"]["name"] != "王五"
    stored = await db.fetchval("SELECT form->>'ownerName' FROM applications WHERE id = $1", app_id)
    assert stored == me["identity"]["name"]
