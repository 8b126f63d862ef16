"""GET /slots and the online booking horizon (F113: the next 7 working days).

The rush found people booking slots the listing offered with seats left but the booking refused
(409 booking_closed): the listing now says which slots can be booked and when the others open.
"""

from __future__ import annotations

from collections import Counter

from tests.appointments.helpers import API, admin, book, generate, people
from tests.clock import sh, use_clock

FREIGHT = "freight-operating-permit"
CENTRE = "city-service-centre"


async def _listed(client, headers, day: str) -> list[dict]:
    res = await client.get(f"{API}/slots", params={"serviceCode": FREIGHT, "date": day}, headers=headers)
    assert res.status_code == 200, res.text
    return res.json()


async def test_booking_every_slot_listed_as_bookable_never_meets_booking_closed(client, db):
    clock = use_clock(client, "2026-06-05 10:00")  # a Friday: 5, 8, 9, 10, 11, 12, 15 June
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-15",
                   day_to="2026-06-16", capacity=1)
    crowd = await people(client, db, 30, "rush-horizon")
    listed = await _listed(client, crowd[0]["headers"], "2026-06-15") + await _listed(client, crowd[0]["headers"],
                                                                                      "2026-06-16")
    assert listed and all(s["seatsLeft"] == 1 for s in listed)
    inside = [s for s in listed if s["day"] == "2026-06-15"]
    beyond = [s for s in listed if s["day"] == "2026-06-16"]
    assert inside and all(s["bookable"] is True and s["opensOn"] is None for s in inside)
    # the 16th is the 7th working day counting from Monday 8 June, so from Saturday the 6th
    assert beyond and all(s["bookable"] is False and s["opensOn"] == "2026-06-06" for s in beyond)

    # the rush, as a client that books only what the listing offers: not one booking_closed
    wanted = [s for s in listed if s["bookable"]]
    results = [await book(client, who, s["id"]) for who, s in zip(crowd, wanted, strict=False)]
    assert Counter(r.status_code for r in results) == {201: len(wanted)}, [r.text for r in results]

    # the booking rule itself is unchanged: a slot listed as not bookable is still refused
    refused = await book(client, crowd[-1], beyond[0]["id"])
    assert refused.status_code == 409 and refused.json()["code"] == "booking_closed"

    # and on the day the listing named, it opens — listed bookable and booked
    clock.set(clock.now.replace(day=6, hour=0, minute=0))
    now_open = await _listed(client, crowd[-1]["headers"], "2026-06-16")
    assert all(s["bookable"] is True and s["opensOn"] is None for s in now_open)
    assert (await book(client, crowd[-1], now_open[0]["id"])).status_code == 201


async def test_across_a_holiday_a_slot_opens_when_it_becomes_the_7th_working_day(client, db):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    # Friday 19 June 2026 is the Dragon Boat holiday: Monday 22 June is the 7th working day
    # counting 11, 12, 15, 16, 17, 18, 22 — so it opens on Thursday the 11th, Tuesday 23 on the 12th
    await generate(client, boss["headers"], site=CENTRE, service=FREIGHT, day_from="2026-06-22",
                   day_to="2026-06-23")
    [me] = await people(client, db, 1, "far")
    monday = await _listed(client, me["headers"], "2026-06-22")
    tuesday = await _listed(client, me["headers"], "2026-06-23")
    assert {(s["bookable"], s["opensOn"]) for s in monday} == {(False, "2026-06-11")}
    assert {(s["bookable"], s["opensOn"]) for s in tuesday} == {(False, "2026-06-12")}
    clock.set(sh("2026-06-10 23:59"))
    assert {s["bookable"] for s in await _listed(client, me["headers"], "2026-06-22")} == {False}
    assert (await book(client, me, monday[0]["id"])).json()["code"] == "booking_closed"
    clock.set(sh("2026-06-11 00:00"))
    assert {s["bookable"] for s in await _listed(client, me["headers"], "2026-06-22")} == {True}
    assert (await book(client, me, monday[0]["id"])).status_code == 201
