"""Bookings, ratings and complaints belong to the acting subject, like cases (issue 20): two enterprises
never see each other's; a person acting as themself does not see the enterprise's, nor the other
way round; an 经办人 sees the enterprise's only for the services granted to them and loses them on
revocation; the booking limits stay the person's; the reform figures count the enterprise's case once,
whichever of its people acts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.routes import HTTPRoute

from tests.appointments.helpers import people
from tests.clock import sh, use_clock
from tests.enterprises.helpers import API, DANGER, FREIGHT, book, enterprise_case, slot, things_of_a, world
from tests.factories import staff
from tests.security.test_access_matrix import ACCESS

MIGRATION = Path(__file__).parents[2] / "api/migrations/0202_subject_bookings_ratings_complaints.sql"


async def _ids(client: Any, headers: dict[str, str], path: str) -> set[int]:
    res = await client.get(f"{API}{path}", headers=headers)
    assert res.status_code == 200, res.text
    return {item["id"] for item in res.json()}


async def test_two_enterprises_never_see_each_others_bookings_ratings_or_complaints(client, db):
    use_clock(client, "2026-06-05 10:00")
    w = await world(client, db)
    mine = await things_of_a(client, db, w)
    # a service not granted to the 经办人: refused for them, booked by the legal representative for A
    danger = await slot(client, w, DANGER, "09:00")
    refused = await book(client, w["clerk_a"], danger)
    assert refused.status_code == 403 and refused.json()["code"] == "service_not_granted", refused.text
    reps = await book(client, w["as_a"], danger)
    assert reps.status_code == 201, reps.text

    assert await _ids(client, w["as_a"], "/appointments") == {mine["appointment"], reps.json()["id"]}
    assert await _ids(client, w["clerk_a"], "/appointments") == {mine["appointment"]}  # granted services only
    assert (await client.get(f"{API}/appointments/{reps.json()['id']}", headers=w["clerk_a"])).status_code == 404
    for insider in (w["as_a"], w["clerk_a"]):
        assert await _ids(client, insider, "/ratings") == {mine["rating"]}
        assert await _ids(client, insider, "/complaints") == {mine["complaint"]}

    # B, and the people of A acting as themselves, see nothing of A's
    for outsider in (w["as_b"], w["b"]["headers"], w["a"]["headers"], w["clerk"]["headers"]):
        for path in ("/appointments", "/ratings", "/complaints"):
            assert await _ids(client, outsider, path) == set(), path
        for path in (f"/appointments/{mine['appointment']}", f"/appointments/{mine['appointment']}/qr.png",
                     f"/complaints/{mine['complaint']}",
                     f"/complaints/{mine['complaint']}/attachments/{mine['attachment']}"):
            assert (await client.get(f"{API}{path}", headers=outsider)).status_code == 404, path
        for path, body in ((f"/appointments/{mine['appointment']}/cancel", {}),
                           (f"/ratings/{mine['rating']}/comments", {"text": "补充"}),
                           ("/ratings", {"targetType": "application", "targetId": mine["case"], "level": 5})):
            assert (await client.post(f"{API}{path}", headers=outsider, json=body)).status_code == 404, path

    # the person's own booking is theirs, not the enterprise's; the one-booking-per-service rule is the person's
    own = await book(client, w["a"]["headers"], await slot(client, w, FREIGHT, "10:00"))
    assert own.status_code == 201, own.text
    assert await _ids(client, w["a"]["headers"], "/appointments") == {own.json()["id"]}
    assert own.json()["id"] not in await _ids(client, w["as_a"], "/appointments")
    again = await book(client, w["clerk"]["headers"], await slot(client, w, FREIGHT, "10:30"))
    assert again.status_code == 409 and again.json()["code"] == "already_booked", again.text

    # revoked: the next request of the 经办人's token reaches nothing of A's
    revoked = await client.delete(f"{API}/enterprises/{w['ent_a']}/agents/{w['clerk']['id']}", headers=w["a"]["headers"])
    assert revoked.status_code == 200, revoked.text
    for path in ("/appointments", "/ratings", "/complaints"):
        assert await _ids(client, w["clerk_a"], path) == set(), path
    for path in (f"/appointments/{mine['appointment']}", f"/complaints/{mine['complaint']}"):
        assert (await client.get(f"{API}{path}", headers=w["clerk_a"])).status_code == 404, path
    gone = await client.post(f"{API}/appointments/{mine['appointment']}/cancel", headers=w["clerk_a"])
    assert gone.status_code == 404
    # the legal representative cancels it; the person who booked it is told
    cancelled = await client.post(f"{API}/appointments/{mine['appointment']}/cancel", headers=w["as_a"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 AND event = 'appointment_cancelled'"
                             " AND subject_id = $2", w["clerk"]["id"], mine["appointment"]) > 0


# Enterprise roles against A's booking, rating and complaint: "own" = reaches it, a number = that status.
OWN = "own"
ROLES = ("anonymous", "legal_rep_a", "agent_a", "legal_rep_b", "person_a", "agent_a_as_person")
ROUTES: list[tuple[str, str, str, dict[str, Any]]] = [
    # operation, method, path; each answers (401, OWN, OWN, 404, 404, 404) in the order of ROLES
    ("getAppointment", "GET", "/appointments/{appointment}", {}),
    ("getAppointmentQr", "GET", "/appointments/{appointment}/qr.png", {}),
    ("appendRatingComment", "POST", "/ratings/{rating}/comments", {"json": {"text": "补充说明"}}),
    ("getMyComplaint", "GET", "/complaints/{complaint}", {}),
    ("getComplaintAttachment", "GET", "/complaints/{complaint}/attachments/{attachment}", {}),
    ("rateComplaintAnswer", "POST", "/complaints/{complaint}/rating", {"json": {"level": 5}}),  # not answered: 409
    ("rescheduleAppointment", "POST", "/appointments/{appointment}/reschedule", {"json": {"slotId": "{slot}"}}),
    ("cancelAppointment", "POST", "/appointments/{appointment}/cancel", {}),  # last: it ends the booking
]
EXPECTED = (401, OWN, OWN, 404, 404, 404)


async def test_the_booking_rating_and_complaint_routes_answer_each_enterprise_role_as_the_table_says(client, db):
    use_clock(client, "2026-06-05 10:00")
    w = await world(client, db)
    mine = await things_of_a(client, db, w)
    # a new owner route of these areas in the access matrix without a row here fails
    owner_ops = {str(h.operation_id) for route in client.app.routes if isinstance(route, HTTPRoute)
                 and route.path.startswith((f"{API}/appointments", f"{API}/ratings", f"{API}/complaints"))
                 for h in route.route_handlers if ACCESS.get(str(h.operation_id)) == "owner"}
    assert owner_ops == {r[0] for r in ROUTES}, owner_ops ^ {r[0] for r in ROUTES}

    headers = {"anonymous": {}, "legal_rep_a": w["as_a"], "agent_a": w["clerk_a"], "legal_rep_b": w["as_b"],
               "person_a": w["a"]["headers"], "agent_a_as_person": w["clerk"]["headers"]}
    wrong = []
    for op_id, method, path, body in ROUTES:
        url = API + path.format(**mine)
        if body.get("json", {}).get("slotId") == "{slot}":
            body = {"json": {"slotId": mine["slot"]}}
        # A's people go last: what they change must not hide what the others would see
        for role, want in sorted(zip(ROLES, EXPECTED), key=lambda rw: rw[1] == OWN):
            res = await client.request(method, url, headers=headers[role], **body)
            ok = res.status_code not in (401, 403, 404) and res.status_code < 500 if want == OWN \
                else res.status_code == want
            if not ok:
                wrong.append(f"{op_id} as {role}: {res.status_code}, expected {want} ({res.text[:100]})")
    assert not wrong, "\n".join(wrong)


async def _figures(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    res = await client.get(f"{API}/stats/reform", headers=headers,
                           params={"from": "2026-06-01", "to": "2026-06-30", "serviceCode": FREIGHT})
    assert res.status_code == 200, res.text
    return res.json()["total"]


async def test_an_enterprise_case_counts_once_in_the_figures_whichever_of_its_people_acts(client, db):
    clock = use_clock(client, "2026-06-04 10:00")
    w = await world(client, db, second_clerk=True)
    visited = await enterprise_case(db, w["clerk"]["id"], w["ent_a"], submitted="2026-06-02 09:00", status="accepted")
    done = await enterprise_case(db, w["clerk"]["id"], w["ent_a"], submitted="2026-06-03 09:00",
                                 decided="2026-06-03 10:00")
    # two of A's people each book a window visit for the case one of them filed: both count against it
    first = await book(client, w["clerk_a"], await slot(client, w, FREIGHT, "09:00"), visited)
    second = await book(client, w["clerk2_a"], await slot(client, w, FREIGHT, "09:30"), visited)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["applicationId"] == second.json()["applicationId"] == visited
    # acting as themself, the second 经办人 has no such case
    as_person = await book(client, w["clerk2"]["headers"], await slot(client, w, FREIGHT, "10:00"), visited)
    assert as_person.status_code == 422 and as_person.json()["code"] == "application_not_own", as_person.text
    desk = await staff(client, db, phone="13900009031", roles=["approver"], steps=["accept"], name="窗口")
    for booked, at in ((first, "2026-06-08 08:50"), (second, "2026-06-08 09:20")):
        clock.set(sh(at))
        res = await client.post(f"{API}/appointments/check-in", json={"code": booked.json()["code"]},
                                headers=desk["headers"])
        assert res.status_code == 200, res.text

    # the finished case is rated once by A, whichever of its people rates it
    rated = await client.post(f"{API}/ratings", headers=w["clerk2_a"],
                              json={"targetType": "application", "targetId": done, "level": 5})
    assert rated.status_code == 201, rated.text
    for other in (w["clerk_a"], w["as_a"]):
        twice = await client.post(f"{API}/ratings", headers=other,
                                  json={"targetType": "application", "targetId": done, "level": 1})
        assert twice.status_code == 409 and twice.json()["code"] == "already_rated", twice.text

    total = await _figures(client, w["admin"]["headers"])
    assert {k: total[k] for k in ("cases", "trips", "averageTrips", "zeroTripCases", "ratings")} == {
        "cases": 2, "trips": 2, "averageTrips": 1.0, "zeroTripCases": 1, "ratings": 1}
    assert total["ratingsByLevel"]["level5"] == 1 and total["fourStarsOrBetterShare"] == 1.0

    # a no-show suspension is the person's: suspended, they cannot book for A; A's legal representative can
    await db.execute("INSERT INTO appt_suspensions (user_id, starts_at, ends_at, no_shows) VALUES ($1, $2, $3, 3)",
                     w["clerk2"]["id"], sh("2026-06-08 00:00"), sh("2026-07-08 00:00"))
    suspended = await book(client, w["clerk2_a"], await slot(client, w, FREIGHT, "11:00"))
    assert suspended.status_code == 403 and suspended.json()["code"] == "booking_suspended", suspended.text
    assert (await book(client, w["as_a"], await slot(client, w, FREIGHT, "11:00"))).status_code == 201

    # rows made before migration 0202 take the subject of the case they belong to
    filed = await client.post(f"{API}/complaints", headers=w["clerk2_a"], json={
        "category": "complaint", "targetType": "application", "targetId": done, "text": "窗口让我们跑了两趟。"})
    assert filed.status_code == 201, filed.text
    theirs = {"appointments": [first.json()["id"], second.json()["id"]], "ratings": [rated.json()["id"]],
              "complaints": [filed.json()["id"]]}
    for table, ids in theirs.items():
        await db.execute(f"UPDATE {table} SET enterprise_id = NULL WHERE id = ANY($1::bigint[])", ids)
    backfill = MIGRATION.read_text().split("-- Rows made before")[1].split("-- The enterprise's lists")[0]
    await db.execute(backfill[backfill.index("UPDATE"):])
    for table, ids in theirs.items():
        assert await db.fetchval(f"SELECT array_agg(DISTINCT enterprise_id) FROM {table} WHERE id = ANY($1::bigint[])",
                                 ids) == [w["ent_a"]], table


async def test_a_waitlist_entry_made_for_the_enterprise_becomes_the_enterprises_booking(client, db):
    use_clock(client, "2026-06-05 10:00")
    w = await world(client, db, capacity=1)
    first, second = await people(client, db, 2, "sub-wait")
    taken = [await book(client, who["headers"], await slot(client, w, DANGER, at))
             for who, at in ((first, "09:00"), (second, "14:00"))]
    assert [t.status_code for t in taken] == [201, 201]
    # the 经办人 has no grant of this service; the legal representative waits for A
    body = {"serviceCode": DANGER, "date": "2026-06-08"}
    refused = await client.post(f"{API}/waitlist", headers=w["clerk_a"], json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "service_not_granted", refused.text
    waiting = await client.post(f"{API}/waitlist", headers=w["as_a"], json=body)
    assert waiting.status_code == 201, waiting.text

    cancelled = await client.post(f"{API}/appointments/{taken[0].json()['id']}/cancel", headers=first["headers"])
    assert cancelled.status_code == 200, cancelled.text
    [handed] = await _ids(client, w["as_a"], "/appointments")
    assert await _ids(client, w["a"]["headers"], "/appointments") == set()  # not the person's own
    assert await db.fetchval("SELECT enterprise_id FROM appointments WHERE id = $1", handed) == w["ent_a"]
