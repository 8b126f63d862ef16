"""A booking knows the case it is a visit for: from the exam invitation, or the booker's own case
in progress named in the body; never someone else's. Check-in records the trip on that case."""

from __future__ import annotations

from typing import Any

from api.appointments import duties
from tests.appointments.helpers import API, admin, book, generate, open_slot, people, slot_at
from tests.factories import staff
from tests.ratings.helpers import finished_application
from tests.clock import use_clock

FREIGHT = "freight-operating-permit"
OVERSIZE = "oversize-transport-permit"
CENTRE = "city-service-centre"
EXAM = "taxi-driver-cert"
EXAM_CENTRE = "transport-school-exam-centre"


async def _book_for(client: Any, who: dict[str, Any], slot_id: int, application_id: Any, key: str | None = None):
    headers = {**who["headers"], **({"Idempotency-Key": key} if key else {})}
    return await client.post(f"{API}/appointments", json={"slotId": slot_id, "applicationId": application_id},
                             headers=headers)


async def _nothing_written(db: Any, slot_id: int) -> None:
    assert await db.fetchval("SELECT count(*) FROM appointments") == 0
    assert await db.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", slot_id) == 0
    assert await db.fetchval("SELECT count(*) FROM appt_daily_bookings") == 0
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'appointment_confirmed'") == 0


async def test_a_window_booking_names_only_the_bookers_own_case_in_progress_of_that_service(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss, slot = await open_slot(client, db, site=CENTRE, service=FREIGHT, start="2026-06-08 09:00")
    me, stranger = await people(client, db, 2, "case")
    mine = await finished_application(db, me["id"], submitted="2026-06-04 09:00", status="accepted")
    theirs = await finished_application(db, stranger["id"], submitted="2026-06-04 09:00", status="accepted")
    other_service = await finished_application(db, me["id"], service_code=OVERSIZE, submitted="2026-06-04 09:00",
                                               status="accepted")
    decided = await finished_application(db, me["id"], submitted="2026-06-01 09:00", decided="2026-06-02 09:00")
    draft = await db.fetchval("INSERT INTO applications (applicant_id, service_code) VALUES ($1, $2) RETURNING id",
                              me["id"], FREIGHT)

    for case, status, code in [(theirs, 422, "application_not_own"), (10**9, 422, "application_not_own"),
                               (other_service, 422, "application_wrong_service"),
                               (decided, 409, "application_not_open"), (draft, 409, "application_not_open")]:
        res = await _book_for(client, me, slot["id"], case)
        assert (res.status_code, res.json()["code"]) == (status, code), res.text
    # a stranger's case and a case that does not exist read the same: nothing tells them apart
    told = [(await _book_for(client, me, slot["id"], case)).json() for case in (theirs, 10**9)]
    assert {(t["status"], t["code"], t["title"], t["detail"]) for t in told} == {
        (422, "application_not_own", "所选办件不存在或不是预约人本人的办件，不能关联此预约。", "Unprocessable Entity")}
    await _nothing_written(db, slot["id"])

    ok = await _book_for(client, me, slot["id"], mine, key="k-1")
    assert ok.status_code == 201, ok.text
    assert ok.json()["applicationId"] == mine
    again = await _book_for(client, me, slot["id"], mine, key="k-1")
    assert again.json() == ok.json()
    assert await db.fetchval("SELECT application_id FROM appointments WHERE user_id = $1", me["id"]) == mine
    listed = await client.get(f"{API}/appointments", headers=me["headers"])
    assert [a["applicationId"] for a in listed.json()] == [mine]


async def test_a_booking_without_a_case_is_kept_as_before_and_its_check_in_is_a_trip_of_no_case(client, db):
    clock = use_clock(client, "2026-06-05 10:00")
    boss, slot = await open_slot(client, db, site=CENTRE, service=FREIGHT, start="2026-06-08 09:00")
    [me] = await people(client, db, 1, "nocase")
    await finished_application(db, me["id"], submitted="2026-06-04 09:00", status="accepted")  # not named
    res = await book(client, me, slot["id"])
    assert res.status_code == 201 and res.json()["applicationId"] is None
    desk = await staff(client, db, phone="13900009011", roles=["approver"], steps=["accept"], name="窗口")
    clock.set(clock.now.replace(day=8, hour=8, minute=45))
    done = await client.post(f"{API}/appointments/check-in", json={"code": res.json()["code"]}, headers=desk["headers"])
    assert done.status_code == 200, done.text
    trips = await db.fetch("SELECT application_id, kind FROM trips")
    assert [tuple(t) for t in trips] == [(None, "window_checkin")]
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE kind = 'trip'") == 0


async def test_an_exam_booked_from_the_invitation_is_a_trip_of_its_case_even_after_a_cancel(client, db):
    clock = use_clock(client, "2026-06-03 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=EXAM_CENTRE, service=EXAM, day_from="2026-06-10")
    morning = await slot_at(client, boss["headers"], EXAM, "2026-06-10 09:00")
    afternoon = await slot_at(client, boss["headers"], EXAM, "2026-06-10 14:00")
    [me] = await people(client, db, 1, "examcase")
    case = await finished_application(db, me["id"], service_code=EXAM, submitted="2026-06-01 09:00",
                                      status="accepted")
    second = await finished_application(db, me["id"], service_code=EXAM, submitted="2026-06-02 09:00",
                                        status="accepted")
    await duties.invite_to_exam(db, user_id=me["id"], service_code=EXAM, application_id=case, now=clock())

    other = await _book_for(client, me, morning["id"], second)
    assert other.status_code == 409 and other.json()["code"] == "application_not_invited"
    first = await book(client, me, morning["id"])  # the mini-program sends only the slot
    assert first.status_code == 201, first.text
    assert first.json()["applicationId"] == case
    assert (await client.post(f"{API}/appointments/{first.json()['id']}/cancel",
                              headers=me["headers"])).status_code == 200
    rebooked = await book(client, me, afternoon["id"])  # the invitation was used; the case is not lost
    assert rebooked.status_code == 201 and rebooked.json()["applicationId"] == case

    desk = await staff(client, db, phone="13900009012", roles=["approver"], steps=["review"], name="考场")
    clock.set(clock.now.replace(day=10, hour=13, minute=50))
    done = await client.post(f"{API}/appointments/{rebooked.json()['id']}/check-in", headers=desk["headers"])
    assert done.status_code == 200 and done.json()["tripKind"] == "exam"
    trips = await db.fetch("SELECT user_id, application_id, kind, source_type, source_id FROM trips")
    assert [tuple(t) for t in trips] == [(me["id"], case, "exam", "appointment", rebooked.json()["id"])]
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE application_id = $1 AND kind = 'trip'",
                             case) == 1


async def test_staff_cannot_put_an_exam_on_someone_elses_case(client, db):
    use_clock(client, "2026-06-03 10:00")
    boss, slot = await open_slot(client, db, site=EXAM_CENTRE, service=EXAM, start="2026-06-10 09:00")
    a, b = await people(client, db, 2, "assigncase")
    bs_case = await finished_application(db, b["id"], service_code=EXAM, submitted="2026-06-01 09:00",
                                         status="accepted")
    as_freight = await finished_application(db, a["id"], submitted="2026-06-01 09:00", status="accepted")
    as_case = await finished_application(db, a["id"], service_code=EXAM, submitted="2026-06-01 09:00",
                                         status="accepted")
    approver = await staff(client, db, phone="13900009013", roles=["approver"], steps=["review"], name="审核")
    body = {"userId": a["id"], "serviceCode": EXAM, "slotId": slot["id"]}
    for case, status, code in [(bs_case, 422, "application_not_own"), (10**9, 422, "application_not_own"),
                               (as_freight, 422, "application_wrong_service")]:
        res = await client.post(f"{API}/admin/exam-assignments", json={**body, "applicationId": case},
                                headers=approver["headers"])
        assert (res.status_code, res.json()["code"]) == (status, code), res.text
    assert await db.fetchval("SELECT count(*) FROM appointments") == 0
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'exam_slot'") == 0

    # without a case named, the one the applicant was invited for is used
    await duties.invite_to_exam(db, user_id=a["id"], service_code=EXAM, application_id=as_case)
    res = await client.post(f"{API}/admin/exam-assignments", json=body, headers=approver["headers"])
    assert res.status_code == 201, res.text
    assert res.json()["applicationId"] == as_case
    assert await db.fetchval("SELECT application_id FROM appointments WHERE user_id = $1", a["id"]) == as_case
