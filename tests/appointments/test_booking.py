from __future__ import annotations

import asyncio
from collections import Counter

from tests.appointments.helpers import API, admin, book, generate, people, slot_at
from tests.clock import use_clock

FREIGHT = "freight-operating-permit"
CENTRE = "city-service-centre"


async def _slot(client, db, *, capacity: int, start: str = "2026-06-08 09:00", service: str = FREIGHT):
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=service, day_from=start[:10], capacity=capacity)
    return boss, await slot_at(client, boss["headers"], service, start)


async def test_200_concurrent_bookers_on_a_slot_of_10_get_exactly_10_seats_and_409s(client, db):
    use_clock(client, "2026-06-05 10:00")
    _, slot = await _slot(client, db, capacity=10)
    crowd = await people(client, db, 200, "rush")
    results = await asyncio.gather(*(book(client, who, slot["id"]) for who in crowd))
    statuses = Counter(r.status_code for r in results)
    assert statuses == {201: 10, 409: 190}, statuses
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"slot_full"}
    assert await db.fetchval("SELECT count(*) FROM appointments WHERE slot_id = $1 AND status = 'booked'",
                             slot["id"]) == 10
    assert await db.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", slot["id"]) == 10
    # every winner was told at once, the losers wrote nothing (their daily count rolled back too)
    assert await db.fetchval("SELECT count(DISTINCT user_id) FROM notifications "
                             "WHERE event = 'appointment_confirmed'") == 10
    assert await db.fetchval("SELECT count(*) FROM appt_daily_bookings") == 10


async def test_a_second_booking_for_the_same_service_is_refused_but_another_service_is_fine(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss, first = await _slot(client, db, capacity=5)
    second = await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 09:30")
    await generate(client, boss["headers"], site=CENTRE, service="oversize-transport-permit", day_from="2026-06-08")
    other = await slot_at(client, boss["headers"], "oversize-transport-permit", "2026-06-08 09:00")
    [me] = await people(client, db, 1, "twice")
    assert (await book(client, me, first["id"])).status_code == 201
    again = await book(client, me, second["id"])
    assert again.status_code == 409 and again.json()["code"] == "already_booked"
    assert (await book(client, me, other["id"])).status_code == 201
    # the refused attempt left no seat taken behind
    assert await db.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", second["id"]) == 0


async def test_booking_is_open_for_the_next_7_working_days_only(client, db):
    clock = use_clock(client, "2026-06-05 10:00")  # a Friday: 5, 8, 9, 10, 11, 12, 15 June
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-15",
                   day_to="2026-06-16")
    last = await slot_at(client, boss["headers"], FREIGHT, "2026-06-15 09:00")
    clock.set(clock.now)  # listing hides nothing released; booking decides the horizon
    res = await client.get(f"{API}/slots", params={"serviceCode": FREIGHT, "date": "2026-06-16"},
                           headers=boss["headers"])
    too_far = res.json()[0]
    a, b = await people(client, db, 2, "horizon")
    assert (await book(client, a, last["id"])).status_code == 201
    refused = await book(client, b, too_far["id"])
    assert refused.status_code == 409 and refused.json()["code"] == "booking_closed"
    clock.advance(days=3)  # Monday 8 June: the 16th is now the 7th working day
    assert (await book(client, b, too_far["id"])).status_code == 201


async def test_a_cancelled_seat_cools_for_10_minutes_before_anyone_can_book_it(client, db):
    clock = use_clock(client, "2026-06-05 10:00")
    _, slot = await _slot(client, db, capacity=1)
    holder, other = await people(client, db, 2, "cool")
    booked = (await book(client, holder, slot["id"])).json()
    res = await client.post(f"{API}/appointments/{booked['id']}/cancel", headers=holder["headers"])
    assert res.status_code == 200 and res.json()["status"] == "cancelled"
    refused = await book(client, other, slot["id"])
    assert refused.status_code == 409 and refused.json()["code"] == "slot_full"
    clock.advance(minutes=9, seconds=59)
    assert (await book(client, other, slot["id"])).status_code == 409
    listed = await slot_at(client, other["headers"], FREIGHT, "2026-06-08 09:00")
    assert listed["seatsLeft"] == 0
    clock.advance(seconds=2)
    assert (await book(client, other, slot["id"])).status_code == 201
    row = await db.fetchrow("SELECT seats_taken, cardinality(cooling) AS cooling FROM appt_slots WHERE id = $1",
                            slot["id"])
    assert (row["seats_taken"], row["cooling"]) == (1, 0)


async def test_a_reschedule_racing_bookings_never_loses_or_double_counts_a_seat(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss, a = await _slot(client, db, capacity=4)
    b = await slot_at(client, boss["headers"], FREIGHT, "2026-06-08 09:30")
    movers = await people(client, db, 4, "mover")
    for who in movers:
        assert (await book(client, who, a["id"])).status_code == 201
    mine = {who["id"]: (await client.get(f"{API}/appointments", headers=who["headers"])).json()[0]["id"]
            for who in movers}
    rivals = await people(client, db, 30, "rival")

    async def move(who):
        return await client.post(f"{API}/appointments/{mine[who['id']]}/reschedule", json={"slotId": b["id"]},
                                 headers=who["headers"])

    results = await asyncio.gather(*(move(w) for w in movers),
                                   *(book(client, r, b["id"] if i % 2 else a["id"]) for i, r in enumerate(rivals)))
    assert all(r.status_code in (200, 201, 409) for r in results), [r.text for r in results if r.status_code >= 500]
    moved = sum(1 for r in results[:4] if r.status_code == 200)
    for slot_id in (a["id"], b["id"]):
        row = await db.fetchrow("SELECT capacity, seats_taken, cardinality(cooling) AS cooling FROM appt_slots "
                                "WHERE id = $1", slot_id)
        booked = await db.fetchval("SELECT count(*) FROM appointments WHERE slot_id = $1 AND status = 'booked'",
                                   slot_id)
        assert row["seats_taken"] == booked <= row["capacity"]
        if slot_id == a["id"]:
            assert row["cooling"] == moved  # every seat given up is cooling, none vanished
    # each mover still holds exactly one booking, in A if the move failed and in B if it worked
    for who in movers:
        assert await db.fetchval("SELECT count(*) FROM appointments WHERE user_id = $1 AND status = 'booked'",
                                 who["id"]) == 1
    assert await db.fetchval("SELECT count(*) FROM appointments WHERE slot_id = $1 AND status = 'booked'",
                             b["id"]) == 4


async def test_the_same_idempotency_key_books_once_and_answers_the_same_when_the_slot_is_full(client, db):
    use_clock(client, "2026-06-05 10:00")
    _, slot = await _slot(client, db, capacity=1)
    [me] = await people(client, db, 1, "idem")
    first = await book(client, me, slot["id"], key="k-1")
    second = await book(client, me, slot["id"], key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert await db.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", slot["id"]) == 1
    other_key = await book(client, me, slot["id"], key="k-2")
    assert other_key.status_code == 409 and other_key.json()["code"] == "slot_full"


async def test_per_person_daily_limit(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss, slot = await _slot(client, db, capacity=5)
    [me] = await people(client, db, 1, "daily")
    for _ in range(3):
        appt = (await book(client, me, slot["id"])).json()
        assert (await client.post(f"{API}/appointments/{appt['id']}/cancel", headers=me["headers"])).status_code == 200
    res = await book(client, me, slot["id"])
    assert res.status_code == 429 and res.json()["code"] == "daily_limit_reached"


async def test_unknown_slot_and_bad_body_are_clear_4xx(client, db):
    use_clock(client, "2026-06-05 10:00")
    [me] = await people(client, db, 1, "bad")
    assert (await book(client, me, 999999)).json()["code"] == "slot_not_found"
    res = await client.post(f"{API}/appointments", json={"slotId": "x"}, headers=me["headers"])
    assert res.status_code == 400 and res.json()["code"] == "validation_failed"
    res = await client.post(f"{API}/appointments", json={"slotId": 1, "extra": 1}, headers=me["headers"])
    assert res.status_code == 400
    assert (await client.get(f"{API}/slots", headers=me["headers"])).json()["code"] == "slot_query_too_broad"
