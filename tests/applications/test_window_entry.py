"""F083 工作人员帮您一次录入: an approver enters a case for the person at the window, into the person's
own account; the person checks it on the phone and submits. It is a window visit, never online."""

from __future__ import annotations

from tests.applications.helpers import TAXI_FORM, upload
from tests.factories import applicant, staff

API = "/api/v1"
PHONE = "13811112222"


async def _person(client, db, name="window", *, verified=True):
    me = await applicant(client, name, verified=verified)
    await db.execute("UPDATE users SET phone = $2 WHERE id = $1", me["user"]["id"], PHONE)
    return me


def _enter(client, headers, phone=PHONE, **extra):
    return client.post(f"{API}/staff/window-entries", headers=headers, json={
        "phone": phone, "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM,
        **extra})


async def test_an_approver_enters_the_case_and_the_person_submits_it_from_the_phone(client, db):
    me = await _person(client, db)
    approver = await staff(client, db, phone="13900007001", roles=["approver"], steps=["accept"])
    res = await _enter(client, approver["headers"])
    assert res.status_code == 201, res.text
    entry = res.json()
    assert entry["status"] == "draft" and entry["enteredBy"] == approver["user"]["id"]
    app_id = entry["applicationId"]

    mine = (await client.get(f"{API}/applications", headers=me["headers"])).json()
    assert [a["id"] for a in mine] == [app_id]   # the person's own case, in their list
    case = (await client.get(f"{API}/applications/{app_id}", headers=me["headers"])).json()
    assert any("窗口工作人员代为录入" in (e["note"] or "") and e["byStaff"] for e in case["timeline"])
    row = await db.fetchrow("SELECT applicant_id, entered_by FROM applications WHERE id = $1", app_id)
    assert (row["applicant_id"], row["entered_by"]) == (me["user"]["id"], approver["user"]["id"])
    # the person came to the window: one trip, a window check-in
    trips = await db.fetch("SELECT kind, source_type FROM trips WHERE application_id = $1", app_id)
    assert [(t["kind"], t["source_type"]) for t in trips] == [("window_checkin", "window_entry")]

    for code in ("photo", "id_card", "driving_licence"):
        assert (await upload(client, me["headers"], app_id, code)).status_code == 200
    submitted = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] in ("submitted", "accepted")


async def test_only_a_verified_person_known_by_phone_and_never_oneself(client, db):
    await _person(client, db, "unverified", verified=False)
    approver = await staff(client, db, phone="13900007002", roles=["approver"], steps=["accept"])
    res = await _enter(client, approver["headers"])
    assert (res.status_code, res.json()["code"]) == (409, "identity_required")
    res = await _enter(client, approver["headers"], phone="13899990000")
    assert (res.status_code, res.json()["code"]) == (404, "account_not_found")
    res = await _enter(client, approver["headers"], phone="13900007002")
    assert (res.status_code, res.json()["code"]) == (403, "own_case")
    assert await db.fetchval("SELECT count(*) FROM applications") == 0  # nothing half written


async def test_citizens_and_the_help_desk_cannot_enter_cases_for_others(client, db):
    await _person(client, db)
    other = await applicant(client, "other")
    agent = await staff(client, db, phone="13900007003", roles=["helpdesk"])
    for who in (other, agent):
        assert (await _enter(client, who["headers"])).status_code == 403
