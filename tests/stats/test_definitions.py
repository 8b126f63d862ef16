"""The reform figures as the bureaus define them (issue 27, DOMAIN.md "Reform figures"), each on a
hand-built data set: online = filed and decided without a window visit by a verified subject and
not entered at a window; instant = decided by the rules on submission, not merely declared instant;
working days leave out the legal pauses; only a licence of the library is an exemption."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.clock import today
from tests.applications.helpers import as_enterprise, licence
from tests.clock import sh, use_clock
from tests.factories import applicant, staff
from tests.ratings.helpers import finished_application
from tests.samples import JPG

API = "/api/v1"
FREIGHT = "freight-operating-permit"


async def _total(client: Any, db: Any, **params: str) -> dict[str, Any]:
    admin = await staff(client, db, phone="13900009301", roles=["admin"])
    res = await client.get(f"{API}/stats/reform", headers=admin["headers"],
                           params={"from": "2026-01-01", "to": "2026-12-31", **params})
    assert res.status_code == 200, res.text
    return res.json()["total"]


async def test_online_means_no_window_no_window_entry_and_a_verified_subject(client, db):
    use_clock(client, "2026-11-02 10:00")
    verified = (await applicant(client, "verified"))["user"]["id"]
    unverified = (await applicant(client, "unverified", verified=False))["user"]["id"]
    clerk = await staff(client, db, phone="13900009302", roles=["approver"], steps=["accept"])
    online = await finished_application(db, verified, service_code=FREIGHT, submitted="2026-03-02 09:00")
    window = await finished_application(db, verified, service_code=FREIGHT, submitted="2026-03-03 09:00")
    await db.execute("INSERT INTO trips (user_id, application_id, kind, source_type, source_id) "
                     "VALUES ($1, $2, 'window_checkin', 'test', $2)", verified, window)
    entered = await finished_application(db, verified, service_code=FREIGHT, submitted="2026-03-04 09:00")
    await db.execute("UPDATE applications SET entered_by = $2 WHERE id = $1", entered, clerk["user"]["id"])
    await finished_application(db, unverified, service_code=FREIGHT, submitted="2026-03-05 09:00")

    flags = dict(await db.fetch("SELECT application_id, online FROM stats_case_facts"))
    assert flags[online] is True and flags[window] is False and flags[entered] is False
    total = await _total(client, db)
    assert (total["cases"], total["onlineCases"], total["onlineShare"]) == (4, 1, 0.25)


async def test_instant_means_decided_by_the_rules_on_submission(client, db):
    use_clock(client, "2026-11-02 10:00")
    uid = (await applicant(client, "zhang"))["user"]["id"]
    # both of a service declared instant; only the first was decided by the rules
    automatic = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 09:00",
                                           decided="2026-03-02 09:00", is_instant=True)
    await db.execute("UPDATE applications SET decided_automatically = true WHERE id = $1", automatic)
    await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 10:00",
                               decided="2026-03-03 10:00", is_instant=True)  # an upload: a person decided
    total = await _total(client, db)
    assert (total["cases"], total["instantCases"], total["instantShare"]) == (2, 1, 0.5)


async def test_paused_working_days_do_not_count_toward_the_decision(client, db):
    use_clock(client, "2026-11-02 10:00")
    uid = (await applicant(client, "zhang"))["user"]["id"]
    # Mon 2 March -> Fri 13 March: 9 working days, of which Tue 3 -> Fri 6 the exam (3 working days)
    app_id = await finished_application(db, uid, service_code="taxi-driver-cert", submitted="2026-03-02 09:00",
                                        decided="2026-03-13 10:00")
    await db.execute("INSERT INTO case_pauses (application_id, kind, started_at, ended_at, reason, workdays) "
                     "VALUES ($1, 'exam', $2, $3, '等待考试', 3)", app_id, sh("2026-03-03 09:00"),
                     sh("2026-03-06 09:00"))
    total = await _total(client, db)
    assert (total["decidedCases"], total["averageWorkdaysToDecision"], total["p90WorkdaysToDecision"]) == (1, 6.0, 6)


async def test_an_uploaded_licence_is_not_an_exemption(client, db):
    use_clock(client, "2026-11-02 10:00")
    uid = (await applicant(client, "zhang"))["user"]["id"]
    app_id = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 09:00")
    licence = await db.fetchval("INSERT INTO licences (holder_id, type, name, number, valid_from) "
                                "VALUES ($1, 'business_licence', '营业执照', 'L-1', '2020-01-01') RETURNING id", uid)
    await db.execute("INSERT INTO application_materials (application_id, material_code, name, required, "
                     "exempt_licence_id) VALUES ($1, 'business_licence', '营业执照', true, $2), "
                     "($1, 'road_permit', '道路运输经营许可证', true, NULL)", app_id, licence)
    # the permit came as a photo: a file, not a licence of the library
    total = await _total(client, db)
    assert (total["materialsApplicable"], total["materialsExempted"], total["materialsAsked"]) == (2, 1, 1)


def _charter_form() -> dict[str, Any]:
    day = today() + timedelta(days=2)
    return {"companyName": "温州顺达客运有限公司", "plateNo": "浙C88888", "driverName": "李四",
            "driverMobile": "13812340000", "origin": "温州", "destination": "杭州", "departDate": day.isoformat(),
            "returnDate": (day + timedelta(days=1)).isoformat()}


async def _charter_case(client: Any, who: dict[str, Any], uploads: tuple[str, ...]) -> dict[str, Any]:
    created = await client.post(f"{API}/applications", headers=who["headers"], json={
        "serviceCode": "charter-filing", "answers": {"interprovincial": "no"}, "form": _charter_form()})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    for code in uploads:
        res = await client.put(f"{API}/applications/{app_id}/materials/{code}", headers=who["headers"],
                               files={"file": ("m.jpg", JPG, "application/octet-stream")})
        assert res.status_code == 200, res.text
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=who["headers"])
    assert res.status_code == 200, res.text
    return res.json()


async def test_through_the_api_only_the_rules_decision_counts_as_instant(client, db):
    trusted = await applicant(client, "trusted")
    uid = trusted["user"]["id"]
    await licence(db, uid, "charter_permit", "浙交运管包字330300001号", name="包车客运经营许可证")
    cert = await licence(db, uid, "road_transport_certificate", "浙交运管温字330300123456号", name="道路运输证")
    await db.execute("UPDATE licences SET subject = '浙C88888' WHERE id = $1", cert)
    trusted = await as_enterprise(client, db, trusted, "温州顺达客运有限公司")  # F092: the charter company files
    decided = await _charter_case(client, trusted, ("charter_contract",))
    assert decided["status"] == "approved"
    # the same service, declared instant, with photos in place of the licences: a person decides
    photos = await _charter_case(client, await as_enterprise(client, db, await applicant(client, "photos"),
                                                             "温州飞鹰客运有限公司"),
                                 ("charter_contract", "charter_licence", "vehicle_certificate"))
    assert photos["status"] == "submitted"
    flags = dict(await db.fetch("SELECT id, decided_automatically FROM applications"))
    assert flags == {decided["id"]: True, photos["id"]: False}
    day = today().isoformat()
    total = await _total(client, db, **{"from": day, "to": day})
    assert (total["cases"], total["instantCases"], total["onlineCases"]) == (2, 1, 2)
