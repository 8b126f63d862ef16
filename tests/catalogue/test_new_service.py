"""A new licence service is one catalogue entry: an admin defines it (PUT, as the data file would),
``zsb seed``'s seeders pick it up, and it has its visit's name in booking messages, its disclosure
and its holder check with no code of its own."""

from __future__ import annotations

import json
from typing import Any

from stdnum.cn import uscc

from api.appointments.slots import seed_sites
from api.disclosure.service import seed_disclosure
from tests.appointments.helpers import API, book, open_slot, people
from tests.approvals.helpers import DG_FORM
from tests.clock import use_clock
from tests.factories import applicant, staff

NEW = "hazardous-waste-permit"
VISIT = "危险废物运输车辆现场核查"
CENTRE = "city-service-centre"
INDIVIDUAL_BUSINESS = "92330302MA2H8Q1B2" + uscc.calc_check_digit("92330302MA2H8Q1B2")  # 个体工商户
ENTERPRISE = "91330302MA2H8Q1B2" + uscc.calc_check_digit("91330302MA2H8Q1B2")


async def _define(client: Any, db: Any, settings: Any, **facts: Any) -> Any:
    """The dangerous-goods entry copied under a new code with the facts given; returns the PUT's answer."""
    admin = await staff(client, db, phone="13900008501", roles=["admin"])  # the same account each time
    spec = json.loads(await db.fetchval("SELECT spec::text FROM services WHERE code = 'dangerous-goods-permit'"))
    spec.update(code=NEW, name="危险废物道路运输许可",
                licence={"type": "hazardous_waste_permit", "name": "危险废物道路运输许可证", "validYears": 4}, **facts)
    res = await client.put(f"{API}/admin/services/{NEW}", headers=admin["headers"], json=spec)
    await seed_sites(db, settings)
    await seed_disclosure(db, settings)
    return res


NEW_FACTS = {
    "holder": "enterprise", "disclose": True,
    "visits": [{"kind": "inspection", "name": VISIT, "changeCutoff": "prev_workday_17", "maxReschedules": 2}],
    "schedules": [{"visit": "inspection", "site": CENTRE,
                   "hours": [{"opens": "09:00", "closes": "11:00", "slotMinutes": 60, "capacity": 2}]}],
}


async def test_a_service_defined_only_in_the_catalogue_is_booked_named_disclosed_and_checked(client, db, settings):
    res = await _define(client, db, settings, **NEW_FACTS)
    assert res.status_code == 200, res.text

    # its visit is booked at the site, and the confirmation names the visit as the catalogue does
    use_clock(client, "2026-06-05 10:00")
    _, slot = await open_slot(client, db, site=CENTRE, service=NEW, start="2026-06-08 09:00")
    [me] = await people(client, db, 1, "hazardous")
    booked = await book(client, me, slot["id"])
    assert booked.status_code == 201, booked.text
    assert booked.json()["kind"] == "inspection"
    name = await db.fetchval("SELECT params->>'serviceName' FROM notifications WHERE user_id = $1 "
                             "AND event = 'appointment_confirmed' LIMIT 1", me["id"])
    assert name == VISIT

    # its decisions are published, its licences held by companies
    assert tuple(await db.fetchrow("SELECT disclose, holder_kind FROM services WHERE code = $1", NEW)) \
        == (True, "company")
    assert (await client.get(f"{API}/public/decisions", params={"serviceCode": NEW})).status_code == 200

    # only enterprises apply (F072's rule, now the catalogue's ``holder``)
    who = await applicant(client, "hazardous-getihu")
    body = {"serviceCode": NEW, "answers": {"action": "new", "vehicles": "owned", "scope": "general"},
            "form": {**DG_FORM, "creditCode": INDIVIDUAL_BUSINESS}}
    refused = await client.post(f"{API}/applications", headers=who["headers"], json=body)
    assert refused.status_code == 422 and refused.json()["code"] == "company_applicant_required", refused.text
    body["form"] = {**DG_FORM, "creditCode": ENTERPRISE}
    created = await client.post(f"{API}/applications", headers=who["headers"], json=body)
    assert created.status_code == 201, created.text


async def test_a_person_held_service_is_published_as_counts_and_not_checked_for_a_company(client, db, settings):
    res = await _define(client, db, settings, holder="person", disclose=False, visits=[], schedules=[])
    assert res.status_code == 200, res.text
    assert tuple(await db.fetchrow("SELECT disclose, holder_kind FROM services WHERE code = $1", NEW)) \
        == (False, "individual")
    who = await applicant(client, "hazardous-person")
    body = {"serviceCode": NEW, "answers": {"action": "new", "vehicles": "owned", "scope": "general"},
            "form": {**DG_FORM, "creditCode": INDIVIDUAL_BUSINESS}}
    created = await client.post(f"{API}/applications", headers=who["headers"], json=body)
    assert created.status_code == 201, created.text


async def test_a_schedule_for_a_visit_the_service_does_not_have_is_refused(client, db, settings):
    facts = {**NEW_FACTS, "visits": [{"kind": "window", "name": VISIT}]}
    res = await _define(client, db, settings, **facts)
    assert res.status_code == 400 and res.json()["code"] == "validation_failed", res.text
    unknown = {**NEW_FACTS, "visits": [{"kind": "phone_call", "name": VISIT}]}
    res = await _define(client, db, settings, **unknown)
    assert res.status_code == 400 and res.json()["code"] == "validation_failed", res.text
    assert await db.fetchval("SELECT count(*) FROM services WHERE code = $1", NEW) == 0
