"""Visits booked online count against their case in the reform figures (跑零次率, 网办率, trips per
case): booked with the case (or from the exam invitation), checked in at the desk, read back
through GET /stats/reform."""

from __future__ import annotations

from typing import Any

import pytest

from api.appointments import duties
from tests.appointments.helpers import API, book, open_slot, people
from tests.factories import staff
from tests.ratings.helpers import finished_application
from tests.clock import use_clock

CENTRE = "city-service-centre"
EXAM = "taxi-driver-cert"
EXAM_CENTRE = "transport-school-exam-centre"


async def _figures(client: Any, headers: dict[str, str], service: str) -> dict[str, Any]:
    res = await client.get(f"{API}/stats/reform", headers=headers,
                           params={"from": "2026-06-01", "to": "2026-06-30", "serviceCode": service})
    assert res.status_code == 200, res.text
    total = res.json()["total"]
    return {k: total[k] for k in ("cases", "trips", "averageTrips", "zeroTripCases", "zeroTripShare",
                                  "onlineCases", "onlineShare")}


async def _check_in(client: Any, db: Any, code: str, phone: str) -> dict[str, Any]:
    desk = await staff(client, db, phone=phone, roles=["approver"], steps=["accept"], name="窗口")
    res = await client.post(f"{API}/appointments/check-in", json={"code": code}, headers=desk["headers"])
    assert res.status_code == 200, res.text
    return res.json()


@pytest.mark.parametrize(("service", "start", "trip", "online_after"), [
    ("freight-operating-permit", "2026-06-08 09:00", "window_checkin", (1, 0.5)),  # a window visit: not online
    ("dangerous-goods-permit", "2026-06-08 09:00", "inspection", (2, 1.0)),        # an on-site check: still online
])
async def test_a_visit_booked_with_its_case_is_counted_in_the_reform_figures(client, db, service, start, trip,
                                                                              online_after):
    clock = use_clock(client, "2026-06-04 10:00")
    boss, slot = await open_slot(client, db, site=CENTRE, service=service, start=start)
    [me] = await people(client, db, 1, f"fig-{trip}")
    visited = await finished_application(db, me["id"], service_code=service, submitted="2026-06-02 09:00",
                                         status="accepted")
    await finished_application(db, me["id"], service_code=service, submitted="2026-06-03 09:00",
                               status="accepted")  # never visits
    before = await _figures(client, boss["headers"], service)
    assert before == {"cases": 2, "trips": 0, "averageTrips": 0.0, "zeroTripCases": 2, "zeroTripShare": 1.0,
                      "onlineCases": 2, "onlineShare": 1.0}

    res = await client.post(f"{API}/appointments", json={"slotId": slot["id"], "applicationId": visited},
                            headers=me["headers"])
    assert res.status_code == 201, res.text
    clock.set(clock.now.replace(day=8, hour=8, minute=45))
    assert (await _check_in(client, db, res.json()["code"], "13900009021"))["tripKind"] == trip

    after = await _figures(client, boss["headers"], service)
    assert after == {"cases": 2, "trips": 1, "averageTrips": 0.5, "zeroTripCases": 1, "zeroTripShare": 0.5,
                     "onlineCases": online_after[0], "onlineShare": online_after[1]}
    assert await db.fetchval("SELECT count(*) FROM trips WHERE application_id = $1 AND kind = $2",
                             visited, trip) == 1


async def test_an_exam_booked_from_the_invitation_is_a_trip_of_its_case_in_the_figures(client, db):
    clock = use_clock(client, "2026-06-03 10:00")
    boss, slot = await open_slot(client, db, site=EXAM_CENTRE, service=EXAM, start="2026-06-10 09:00")
    [me] = await people(client, db, 1, "fig-exam")
    case = await finished_application(db, me["id"], service_code=EXAM, submitted="2026-06-01 09:00",
                                      status="accepted")
    await duties.invite_to_exam(db, user_id=me["id"], service_code=EXAM, application_id=case, now=clock())
    assert (await _figures(client, boss["headers"], EXAM))["zeroTripShare"] == 1.0

    res = await book(client, me, slot["id"])  # only the slot, as the mini-program sends it today
    assert res.status_code == 201 and res.json()["applicationId"] == case
    clock.set(clock.now.replace(day=10, hour=8, minute=45))
    await _check_in(client, db, res.json()["code"], "13900009022")

    after = await _figures(client, boss["headers"], EXAM)
    assert (after["cases"], after["trips"], after["averageTrips"]) == (1, 1, 1.0)
    assert (after["zeroTripCases"], after["zeroTripShare"]) == (0, 0.0)
    assert (after["onlineCases"], after["onlineShare"]) == (1, 1.0)  # an exam is not a window visit
