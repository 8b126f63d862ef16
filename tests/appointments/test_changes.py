from __future__ import annotations

from datetime import datetime

from tests.appointments.helpers import API, admin, book, generate, people, slot_at
from tests.factories import staff
from tests.clock import sh, use_clock

FREIGHT = "freight-operating-permit"
CENTRE = "city-service-centre"
EXAM = "taxi-driver-cert"
EXAM_CENTRE = "transport-school-exam-centre"


async def _booked(client, db, *, start="2026-06-08 09:00", service=FREIGHT, site=CENTRE, capacity=5, prefix="p"):
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=site, service=service, day_from=start[:10], capacity=capacity)
    slot = await slot_at(client, boss["headers"], service, start)
    [me] = await people(client, db, 1, prefix)
    res = await book(client, me, slot["id"])
    assert res.status_code == 201, res.text
    return boss, me, res.json()


async def _reschedule(client, who, appt_id, slot_id):
    return await client.post(f"{API}/appointments/{appt_id}/reschedule", json={"slotId": slot_id},
                             headers=who["headers"])


async def test_cancel_is_possible_until_one_hour_before_the_start(client, db):
    clock = use_clock(client, "2026-06-08 07:59")
    _, me, appt = await _booked(client, db)
    clock.set(clock.now.replace(hour=8, minute=0, second=1))  # 59 minutes before 09:00
    late = await client.post(f"{API}/appointments/{appt['id']}/cancel", headers=me["headers"])
    assert late.status_code == 409 and late.json()["code"] == "change_deadline_passed"
    assert await db.fetchval("SELECT status FROM appointments WHERE id = $1", appt["id"]) == "booked"


async def test_a_window_booking_can_be_rescheduled_twice_and_a_failed_change_keeps_the_original(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss, me, appt = await _booked(client, db, capacity=1)
    s2 = await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 09:30")
    s3 = await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 10:00")
    s4 = await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 10:30")
    [rival] = await people(client, db, 1, "rival")
    assert (await book(client, rival, s2["id"])).status_code == 201
    full = await _reschedule(client, me, appt["id"], s2["id"])
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    kept = await db.fetchrow("SELECT slot_id, reschedules FROM appointments WHERE id = $1", appt["id"])
    assert (kept["slot_id"], kept["reschedules"]) == (appt["slotId"], 0)
    first = await _reschedule(client, me, appt["id"], s3["id"])
    assert first.status_code == 200 and first.json()["reschedulesLeft"] == 1
    assert (await _reschedule(client, me, appt["id"], s4["id"])).status_code == 200
    third = await _reschedule(client, me, appt["id"], appt["slotId"])
    assert third.status_code == 409 and third.json()["code"] == "reschedule_limit_reached"
    assert await db.fetchval("SELECT count(*) FROM appointment_changes WHERE appointment_id = $1", appt["id"]) == 2
    # a new confirmation for each new time
    assert await db.fetchval("SELECT count(DISTINCT dedupe_key) FROM notifications WHERE subject_id = $1 "
                             "AND event = 'appointment_confirmed'", appt["id"]) == 3


async def test_an_exam_can_be_changed_once_until_17_on_the_previous_working_day(client, db):
    clock = use_clock(client, "2026-06-03 10:00")
    boss, me, appt = await _booked(client, db, start="2026-06-08 09:00", service=EXAM, site=EXAM_CENTRE)
    # Monday's exam: the previous working day is Friday 5 June
    assert datetime.fromisoformat(appt["changeUntil"]) == sh("2026-06-05 17:00")
    await generate(client, boss["headers"], site=EXAM_CENTRE, service=EXAM, day_from="2026-06-09")
    other = await slot_at(client, boss["headers"], EXAM, "2026-06-09 14:00")
    back = await slot_at(client, boss["headers"], EXAM, "2026-06-08 14:00")
    moved = await _reschedule(client, me, appt["id"], other["id"])
    assert moved.status_code == 200
    assert datetime.fromisoformat(moved.json()["changeUntil"]) == sh("2026-06-08 17:00")
    again = await _reschedule(client, me, appt["id"], back["id"])
    assert again.status_code == 409 and again.json()["code"] == "reschedule_limit_reached"
    [late_one] = await people(client, db, 1, "late")
    late_appt = (await book(client, late_one, back["id"])).json()
    clock.set(clock.now.replace(day=5, hour=17, minute=0, second=0))
    res = await client.post(f"{API}/appointments/{late_appt['id']}/cancel", headers=late_one["headers"])
    assert res.status_code == 409 and res.json()["code"] == "change_deadline_passed"


async def test_check_in_from_30_minutes_before_to_15_after_records_one_trip(client, db):
    clock = use_clock(client, "2026-06-05 10:00")
    _, me, appt = await _booked(client, db)
    await db.execute("UPDATE users SET name = '张三丰', phone = '13812345678' WHERE id = $1", me["id"])
    desk = await staff(client, db, phone="13900009002", roles=["approver"], steps=["accept"], name="窗口")
    clock.set(clock.now.replace(day=8, hour=8, minute=29))
    early = await client.post(f"{API}/appointments/check-in", json={"code": appt["code"]}, headers=desk["headers"])
    assert early.status_code == 409 and early.json()["code"] == "check_in_too_early"
    applicant_try = await client.post(f"{API}/appointments/{appt['id']}/check-in", headers=me["headers"])
    assert applicant_try.status_code == 403
    clock.set(clock.now.replace(hour=9, minute=15))
    ok = await client.post(f"{API}/appointments/check-in", json={"code": appt["code"]}, headers=desk["headers"])
    assert ok.status_code == 200 and ok.json()["tripKind"] == "window_checkin"
    assert (ok.json()["holderName"], ok.json()["holderPhone"]) == ("张**", "138****5678")
    twice = await client.post(f"{API}/appointments/{appt['id']}/check-in", headers=desk["headers"])
    assert twice.status_code == 200
    trips = await db.fetch("SELECT user_id, kind, source_type FROM trips WHERE source_id = $1", appt["id"])
    assert [tuple(t) for t in trips] == [(me["id"], "window_checkin", "appointment")]


async def test_check_in_more_than_15_minutes_late_is_refused(client, db):
    clock = use_clock(client, "2026-06-05 10:00")
    _, me, appt = await _booked(client, db)
    desk = await staff(client, db, phone="13900009003", roles=["approver"], steps=["accept"], name="窗口")
    clock.set(clock.now.replace(day=8, hour=9, minute=15, second=1))
    res = await client.post(f"{API}/appointments/{appt['id']}/check-in", headers=desk["headers"])
    assert res.status_code == 409 and res.json()["code"] == "check_in_too_late"
    assert await db.fetchval("SELECT count(*) FROM trips") == 0


async def test_the_booking_code_is_shown_as_a_qr_only_to_its_owner(client, db):
    use_clock(client, "2026-06-05 10:00")
    _, me, appt = await _booked(client, db)
    [other] = await people(client, db, 1, "nosy")
    res = await client.get(f"{API}/appointments/{appt['id']}/qr.png", headers=me["headers"])
    assert res.status_code == 200 and res.headers["content-type"] == "image/png"
    assert res.content.startswith(b"\x89PNG")
    theirs = await client.get(f"{API}/appointments/{appt['id']}/qr.png", headers=other["headers"])
    assert theirs.status_code == 404 and theirs.json()["code"] == "appointment_not_found"


async def test_slots_are_generated_on_working_days_only_and_only_once(client, db):
    boss = await admin(client, db)
    sites = (await client.get(f"{API}/sites", headers=boss["headers"])).json()
    centre = next(s for s in sites if s["code"] == CENTRE)
    assert FREIGHT in centre["services"]
    body = {"siteId": centre["id"], "serviceCode": FREIGHT, "dateFrom": "2026-06-18", "dateTo": "2026-06-22"}
    first = await client.post(f"{API}/admin/slots/generate", json=body, headers=boss["headers"])
    # 19 June 2026 is the Dragon Boat Festival, 20-21 a weekend
    assert first.json()["days"] == ["2026-06-18", "2026-06-22"]
    assert first.json()["created"] == 2 * 13  # 6 morning + 7 afternoon half-hour slots
    again = await client.post(f"{API}/admin/slots/generate", json=body, headers=boss["headers"])
    assert again.json()["created"] == 0
    backwards = await client.post(f"{API}/admin/slots/generate", headers=boss["headers"],
                                  json={**body, "dateFrom": "2026-06-22", "dateTo": "2026-06-18"})
    assert backwards.status_code == 400
    [me] = await people(client, db, 1, "notadmin")
    assert (await client.post(f"{API}/admin/slots/generate", json=body, headers=me["headers"])).status_code == 403
