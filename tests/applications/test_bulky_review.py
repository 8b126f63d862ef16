"""大件运输一件事: the automatic review of 21 checks in 5 groups (FAQ F050, F051), through the API.
What the library holds is looked up (数据跑路); what the applicant can fix arrives in ONE gap notice
(一次性告知); every result is stored with the case and shown to its applicant only."""

from __future__ import annotations

from datetime import date
from typing import get_args

from api.applications import review
from api.catalogue.schemas import NamedCheck
from api.catalogue.service import load_data_file
from tests.applications.bulky import API, NOW, OTHER_CREDIT_CODE, bulky_case, by_code, carrier, upload
from tests.factories import applicant, staff
from tests.clock import use_clock

GROUPS = {"people": 4, "company": 3, "vehicle": 5, "route": 5, "cargo": 4}


async def test_the_guide_declares_21_checks_in_5_groups_each_backed_by_the_form_or_a_named_check(client):
    res = await client.get(f"{API}/services/bulky-cargo")
    assert res.status_code == 200, res.text
    guide = res.json()
    checks = guide["review"]
    assert len(checks) == 21 and len({c["code"] for c in checks}) == 21
    assert {g: sum(1 for c in checks if c["group"] == g) for g in GROUPS} == GROUPS
    fields = {f["code"] for f in guide["fields"]}
    materials = {m["code"] for m in guide["materials"]}
    rule_fields = {r["field"] for r in guide["rules"]}
    for c in checks:
        assert c["name"] and (c["fields"] or c["materials"] or c["rules"] or c.get("licence") or c.get("check")), c
        assert set(c["fields"]) <= fields and set(c["materials"]) <= materials and set(c["rules"]) <= rule_fields, c
        assert c.get("check") is None or c["check"] in review.NAMED, c
        if (c.get("licence") or {}).get("material"):
            assert c["licence"]["material"] in materials, c
    # the data file's other services declare none, and every named check is used
    specs = load_data_file()
    assert [s.code for s in specs if s.review] == ["bulky-cargo"]
    assert {c["check"] for c in checks if c.get("check")} == set(review.NAMED) == set(get_args(NamedCheck))


async def test_a_complete_case_passes_all_21_checks_and_is_flagged_in_the_approvers_queue(client, db):
    use_clock(client, NOW)
    me = await carrier(client, db, "bulky-ok")
    app_id = await bulky_case(client, me["headers"])

    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "submitted" and body["gapNotice"] is None
    result = body["review"]
    assert result["allPassed"] is True and (result["passed"], result["failed"], result["needsPerson"]) == (21, 0, 0)
    assert [c["outcome"] for c in result["checks"]] == ["passed"] * 21
    checks = by_code(result)
    assert checks["company.operating_permit"]["reason"].startswith("已从电子证照库核验道路运输经营许可证")
    assert checks["people.driver_qualification"]["reason"] == "已从电子证照库核验驾驶员从业资格证"
    assert checks["cargo.over_limit"]["reason"].startswith("超限：") and "总宽3.2米" in checks["cargo.over_limit"]["reason"]
    assert checks["people.escort_staff"]["reason"] == "本次申请不涉及，不适用"
    assert {c["groupName"] for c in result["checks"]} == {"人员信息", "企业资质信息", "车辆信息", "线路情况", "货物情况"}

    stored = await db.fetchrow("SELECT * FROM application_reviews WHERE application_id = $1", app_id)
    assert stored["all_passed"] is True and stored["passed"] == 21
    assert await db.fetchval("SELECT count(*) FROM application_review_checks WHERE review_id = $1 "
                             "AND outcome = 'passed'", stored["id"]) == 21
    # the licences held stand for the materials: nothing asked for that the bureau holds
    slots = {m["code"]: m for m in body["materials"]}
    assert slots["business_licence"]["exempt"] and slots["road_transport_permit"]["exempt"]


    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"])
    queue = await client.get(f"{API}/tasks", headers=approver["headers"])
    assert queue.status_code == 200, queue.text
    [task] = [t for t in queue.json()["items"] if t["applicationId"] == app_id]
    assert task["reviewAllPassed"] is True
    detail = await client.get(f"{API}/tasks/{task['id']}", headers=approver["headers"])
    assert detail.status_code == 200 and detail.json()["review"]["allPassed"] is True
    assert len(detail.json()["review"]["checks"]) == 21


async def test_failures_across_groups_all_arrive_in_one_gap_notice(client, db):
    use_clock(client, NOW)
    me = await carrier(client, db, "bulky-bad", skip=("road_transport_certificate",),
                       numbers={"business_licence": OTHER_CREDIT_CODE},
                       valid_until={"road_transport_permit": date(2026, 6, 15)}, driver_until=date(2026, 6, 1))
    app_id = await bulky_case(client, me["headers"], uploads=("cargo_photos", "authorization"),
                              form={"cargoIndivisible": False, "startDate": "2026-06-05", "endDate": "2026-06-20"})

    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "needs_supplement"
    failed = {c["code"]: c for c in body["review"]["checks"] if c["outcome"] == "failed"}
    assert set(failed) == {"people.driver_qualification", "company.business_licence", "company.operating_permit",
                           "vehicle.transport_certificate", "route.period", "route.city", "cargo.indivisible"}
    assert {c["group"] for c in failed.values()} == set(GROUPS)  # all five groups
    assert failed["people.driver_qualification"]["reason"] == "驾驶员从业资格证已过期或失效"
    assert "早于通行结束日期" in failed["company.operating_permit"]["reason"]
    assert body["review"]["failed"] == 7 and body["review"]["allPassed"] is False

    # ONE notice names every fixable thing, each once (the start-date rule is the oversize
    # permit's and the review's: said once)
    gaps = body["gapNotice"]["gaps"]
    assert sorted((g["kind"], g["code"]) for g in gaps) == sorted([
        ("review", "people.driver_qualification"), ("review", "company.business_licence"),
        ("review", "company.operating_permit"), ("review", "vehicle.transport_certificate"),
        ("rule", "startDate"), ("material", "city_route_plan"), ("rule", "cargoIndivisible")])
    assert "请先办理" in next(g["message"] for g in gaps if g["code"] == "vehicle.transport_certificate")
    assert await db.fetchval("SELECT count(*) FROM gap_notices WHERE application_id = $1", app_id) == 1
    assert await db.fetchval("SELECT count(DISTINCT dedupe_key) FROM notifications "
                             "WHERE event = 'material_gap' AND subject_id = $1", app_id) == 1
    assert await db.fetchval("SELECT failed FROM application_reviews WHERE application_id = $1", app_id) == 7
    # no names or ID numbers in the reasons (the case is read by staff of three departments)
    assert not any("李" in c["reason"] or "1101" in c["reason"] for c in body["review"]["checks"])

    # only the applicant (and the staff of the case) see it
    stranger = await applicant(client, "bulky-nosy")
    assert (await client.get(f"{API}/applications/{app_id}", headers=stranger["headers"])).status_code == 404
    mine = await client.get(f"{API}/applications/{app_id}", headers=me["headers"])
    assert mine.status_code == 200 and mine.json()["review"]["failed"] == 7

    # a resubmission that fixes only part is refused with what still fails, and stores nothing
    assert (await upload(client, me["headers"], app_id, "city_route_plan")).status_code == 200
    early = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert early.status_code == 422, early.text
    assert {g["code"] for g in early.json()["gaps"]} >= {"vehicle.transport_certificate", "startDate"}
    assert "city_route_plan" not in {g["code"] for g in early.json()["gaps"]}
    assert await db.fetchval("SELECT count(*) FROM application_reviews WHERE application_id = $1", app_id) == 1


async def test_an_escorted_unplated_load_is_asked_for_escort_staff_plan_and_vehicle_papers_at_once(client, db):
    use_clock(client, NOW)
    me = await carrier(client, db, "bulky-escort")
    app_id = await bulky_case(client, me["headers"], answers={"escort": "yes", "unplated": "yes"})

    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text
    body = res.json()
    failed = {c["code"] for c in body["review"]["checks"] if c["outcome"] == "failed"}
    assert failed == {"people.escort_staff", "route.escort", "vehicle.unplated"}
    assert {(g["kind"], g["code"]) for g in body["gapNotice"]["gaps"]} == {
        ("field", "escortName"), ("field", "escortIdNumber"), ("material", "escort_plan"), ("field", "vin"),
        ("material", "factory_certificate"), ("material", "compulsory_insurance")}
