from __future__ import annotations

from datetime import datetime

from api.appointments import duties
from tests.appointments.helpers import API, admin, book, generate, people, run_job, slot_at, slots
from tests.factories import staff
from tests.ratings.helpers import finished_application
from tests.clock import sh, use_clock

FREIGHT = "freight-operating-permit"
CENTRE = "city-service-centre"
EXAM = "taxi-driver-cert"
EXAM_CENTRE = "transport-school-exam-centre"


async def _full_slot(client, db, capacity=1):
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-08", capacity=capacity)
    return boss, await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 09:00")


async def _wait(client, who):
    return await client.post(f"{API}/waitlist", json={"serviceCode": FREIGHT, "date": "2026-06-08"},
                             headers=who["headers"])


async def test_a_freed_seat_goes_to_the_first_person_waiting_exactly_once_and_they_are_told(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-08", capacity=1)
    crowd = await people(client, db, 3, "wl")
    holder, first, second = crowd
    for s in await slots(client, boss["headers"], FREIGHT, "2026-06-08"):
        [filler] = await people(client, db, 1, f"fill-{s['id']}")
        assert (await book(client, filler, s["id"])).status_code == 201
    slot = await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 09:00")
    holder_appt = (await client.get(f"{API}/appointments", headers=holder["headers"])).json()
    assert holder_appt == []
    held = await db.fetchval("SELECT id FROM appointments WHERE slot_id = $1", slot["id"])
    owner = await db.fetchval("SELECT user_id FROM appointments WHERE id = $1", held)
    j1, j2 = await _wait(client, first), await _wait(client, second)
    assert (j1.status_code, j1.json()["position"]) == (201, 1)
    assert (j2.status_code, j2.json()["position"]) == (201, 2)
    assert (await _wait(client, first)).json()["id"] == j1.json()["id"]  # registering twice: same place
    auth = client.app.state.jwt_auth
    token = auth.create_token(identifier=str(owner), token_extras={"typ": "access", "roles": ["applicant"],
                                                                           "idv": True})
    res = await client.post(f"{API}/appointments/{held}/cancel", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200
    got = await db.fetch("SELECT user_id, waitlist_id FROM appointments WHERE slot_id = $1 AND status = 'booked'",
                         slot["id"])
    assert [(r["user_id"], r["waitlist_id"]) for r in got] == [(first["id"], j1.json()["id"])]
    assert await db.fetchval("SELECT cardinality(cooling) FROM appt_slots WHERE id = $1", slot["id"]) == 0
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 AND event = 'waitlist_booked' "
                             "AND channel = 'inapp'", first["id"]) == 1
    statuses = dict(await db.fetch("SELECT user_id, status FROM appt_waitlist"))
    assert statuses == {first["id"]: "booked", second["id"]: "waiting"}


async def test_joining_the_waitlist_while_seats_are_free_is_refused(client, db):
    use_clock(client, "2026-06-05 10:00")
    await _full_slot(client, db, capacity=2)
    [me] = await people(client, db, 1, "early")
    res = await _wait(client, me)
    assert res.status_code == 409 and res.json()["code"] == "seats_available"


async def test_a_seat_that_cooled_goes_to_the_waitlist_through_the_job_once(client, db, settings):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-08", capacity=1)
    day = await slots(client, boss["headers"], FREIGHT, "2026-06-08")
    fillers = await people(client, db, len(day), "full")
    booked = [(await book(client, f, s["id"])).json() for f, s in zip(fillers, day)]
    res = await client.post(f"{API}/appointments/{booked[0]['id']}/cancel", headers=fillers[0]["headers"])
    assert res.status_code == 200  # nobody waiting: the seat cools
    [waiter] = await people(client, db, 1, "waiter")
    assert (await _wait(client, waiter)).status_code == 201  # nothing free while it cools
    await run_job(settings, "fill_waitlist", clock)
    assert await db.fetchval("SELECT count(*) FROM appointments WHERE user_id = $1", waiter["id"]) == 0
    clock.advance(minutes=10, seconds=1)
    await run_job(settings, "fill_waitlist", clock)
    await run_job(settings, "fill_waitlist", clock)
    rows = await db.fetch("SELECT slot_id, status FROM appointments WHERE user_id = $1", waiter["id"])
    assert [tuple(r) for r in rows] == [(booked[0]["slotId"], "booked")]
    assert await db.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", booked[0]["slotId"]) == 1


async def test_three_no_shows_in_90_days_suspend_online_booking_for_30_days(client, db, settings):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    [me] = await people(client, db, 1, "absent")
    for service in (FREIGHT, "oversize-transport-permit", "dangerous-goods-permit"):
        await generate(client, boss["headers"], site=CENTRE, service=service, day_from="2026-06-08")
        slot = await slot_at(client, boss["headers"], service, "2026-06-08 09:00")
        assert (await book(client, me, slot["id"])).status_code == 201
    clock.set(sh("2026-06-08 09:15"))
    await run_job(settings, "mark_appointment_no_shows", clock)
    assert await db.fetchval("SELECT count(*) FROM appointments WHERE status = 'no_show'") == 0  # 15 minutes grace
    clock.set(sh("2026-06-08 12:00"))
    await run_job(settings, "mark_appointment_no_shows", clock)
    assert await db.fetchval("SELECT count(*) FROM appointments WHERE status = 'no_show'") == 3
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-09",
                   day_to="2026-07-09")
    nxt = await slot_at(client, boss["headers"], FREIGHT, "2026-06-09 09:00")
    res = await book(client, me, nxt["id"])
    assert res.status_code == 403 and res.json()["code"] == "booking_suspended"
    assert "现场取号" in res.json()["title"]
    assert datetime.fromisoformat(res.json()["suspendedUntil"]) == sh("2026-07-08 12:00")
    await run_job(settings, "mark_appointment_no_shows", clock)  # running again suspends nothing more
    assert await db.fetchval("SELECT count(*) FROM appt_suspensions") == 1
    clock.set(sh("2026-07-08 12:01"))
    later = await slot_at(client, boss["headers"], FREIGHT, "2026-07-09 09:00")
    assert (await book(client, me, later["id"])).status_code == 201


async def test_reminders_go_out_the_afternoon_before_and_never_for_a_cancelled_booking(client, db, settings):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-09")
    slot = await slot_at(client, boss["headers"], FREIGHT, "2026-06-09 09:00")
    kept, dropped = await people(client, db, 2, "rem")
    await book(client, kept, slot["id"])
    gone = (await book(client, dropped, slot["id"])).json()
    await client.post(f"{API}/appointments/{gone['id']}/cancel", headers=dropped["headers"])
    clock.set(sh("2026-06-08 11:00"))  # the morning before: not yet
    await run_job(settings, "send_appointment_reminders", clock)
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'appointment_reminder'") == 0
    clock.set(sh("2026-06-08 15:05"))
    await run_job(settings, "send_appointment_reminders", clock)
    await run_job(settings, "send_appointment_reminders", clock)
    reminded = await db.fetch("SELECT DISTINCT user_id FROM notifications WHERE event = 'appointment_reminder'")
    assert [r["user_id"] for r in reminded] == [kept["id"]]
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'appointment_reminder' "
                             "AND channel = 'inapp'") == 1


async def test_exam_sessions_open_at_the_announced_time_and_invited_applicants_are_told(client, db, settings):
    clock = use_clock(client, "2026-06-03 19:59")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=EXAM_CENTRE, service=EXAM, day_from="2026-06-10",
                   release_at="2026-06-03 20:00")
    invited, other = await people(client, db, 2, "exam")
    await duties.invite_to_exam(db, user_id=invited["id"], service_code=EXAM, application_id=None, now=clock())
    assert await slots(client, boss["headers"], EXAM, "2026-06-10") == []  # not shown before the release
    slot_id = await db.fetchval("SELECT id FROM appt_slots WHERE service_code = $1 ORDER BY starts_at LIMIT 1", EXAM)
    early = await book(client, invited, slot_id)
    assert early.status_code == 409 and early.json()["code"] == "slot_not_released"
    clock.set(sh("2026-06-03 20:00"))
    await run_job(settings, "announce_exam_batches", clock)
    await run_job(settings, "announce_exam_batches", clock)
    told = await db.fetch("SELECT user_id FROM notifications WHERE event = 'exam_booking_open' AND channel = 'inapp'")
    assert [r["user_id"] for r in told] == [invited["id"]]
    assert (await book(client, invited, slot_id)).status_code == 201
    assert await db.fetchval("SELECT status FROM appt_exam_invitations WHERE user_id = $1", invited["id"]) == "booked"


async def test_staff_assign_an_exam_slot_and_the_applicant_gets_the_exam_sms(client, db):
    use_clock(client, "2026-06-03 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=EXAM_CENTRE, service=EXAM, day_from="2026-06-10", capacity=1)
    slot = await slot_at(client, boss["headers"], EXAM, "2026-06-10 09:00")
    a, b = await people(client, db, 2, "assign")
    case = await finished_application(db, a["id"], service_code=EXAM, submitted="2026-06-01 09:00", status="accepted")
    approver = await staff(client, db, phone="13900009004", roles=["approver"], steps=["review"], name="审核")
    body = {"userId": a["id"], "serviceCode": EXAM, "slotId": slot["id"], "applicationId": case}
    res = await client.post(f"{API}/admin/exam-assignments", json=body, headers=approver["headers"])
    assert res.status_code == 201, res.text
    assert res.json()["applicationId"] == case
    row = await db.fetchrow("SELECT assigned_by, application_id FROM appointments WHERE user_id = $1", a["id"])
    assert (row["assigned_by"], row["application_id"]) == (approver["user"]["id"], case)
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE user_id = $1 AND event = 'exam_slot'",
                             a["id"]) >= 1
    full = await client.post(f"{API}/admin/exam-assignments", json={**body, "userId": b["id"], "applicationId": None},
                             headers=approver["headers"])
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    applicant_try = await client.post(f"{API}/admin/exam-assignments", json=body, headers=b["headers"])
    assert applicant_try.status_code == 403
