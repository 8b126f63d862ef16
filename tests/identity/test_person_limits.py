"""F116 with F088: booking limits and no-show suspensions count per verified person, not per account."""

from __future__ import annotations

from datetime import datetime

from tests.appointments.helpers import admin, book, generate, run_job, slot_at
from tests.clock import sh, use_clock
from tests.factories import applicant

CENTRE = "city-service-centre"
SERVICES = ("freight-operating-permit", "oversize-transport-permit", "dangerous-goods-permit")


async def release(db, account: dict) -> None:
    """The person closes the account (account closing, api/auth): its identity is released, so the same
    person may verify a new account."""
    await db.execute("UPDATE identities SET status = 'released', updated_at = now() WHERE user_id = $1",
                     account["user"]["id"])


async def again(client, name: str, old: dict) -> dict:
    return await applicant(client, name, person=old["identity"]["name"], id_number=old["identity"]["idNumber"])


async def test_a_suspension_follows_the_person_to_a_new_account(client, db, settings):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    old = await applicant(client, "first-phone")
    for service in SERVICES:
        await generate(client, boss["headers"], site=CENTRE, service=service, day_from="2026-06-08")
        assert (await book(client, old, (await slot_at(client, boss["headers"], service,
                                                        "2026-06-08 09:00"))["id"])).status_code == 201
    clock.set(sh("2026-06-08 12:00"))
    await run_job(settings, "mark_appointment_no_shows", clock)
    await generate(client, boss["headers"], site=CENTRE, service=SERVICES[0], day_from="2026-06-09")
    nxt = await slot_at(client, boss["headers"], SERVICES[0], "2026-06-09 09:00")
    assert (await book(client, old, nxt["id"])).json()["code"] == "booking_suspended"

    await release(db, old)
    new = await again(client, "second-phone", old)
    res = await book(client, new, nxt["id"])
    assert res.status_code == 403 and res.json()["code"] == "booking_suspended"
    assert datetime.fromisoformat(res.json()["suspendedUntil"]) == sh("2026-07-08 12:00")
    stranger = await applicant(client, "stranger")
    assert (await book(client, stranger, nxt["id"])).status_code == 201


async def test_no_shows_of_the_earlier_account_count_toward_a_suspension(client, db, settings):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    old = await applicant(client, "first-phone")
    for service in SERVICES:
        await generate(client, boss["headers"], site=CENTRE, service=service, day_from="2026-06-08")
    for service in SERVICES[:2]:
        slot = await slot_at(client, boss["headers"], service, "2026-06-08 09:00")
        assert (await book(client, old, slot["id"])).status_code == 201
    await release(db, old)
    new = await again(client, "second-phone", old)
    slot = await slot_at(client, boss["headers"], SERVICES[2], "2026-06-08 09:00")
    assert (await book(client, new, slot["id"])).status_code == 201
    clock.set(sh("2026-06-08 12:00"))
    await run_job(settings, "mark_appointment_no_shows", clock)  # 2 no-shows there + 1 here: 3 for the person
    await generate(client, boss["headers"], site=CENTRE, service=SERVICES[0], day_from="2026-06-09")
    nxt = await slot_at(client, boss["headers"], SERVICES[0], "2026-06-09 09:00")
    res = await book(client, new, nxt["id"])
    assert res.status_code == 403 and res.json()["code"] == "booking_suspended"


async def test_the_daily_limit_counts_the_person_not_the_account(client, db):
    use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=CENTRE, service=SERVICES[0], day_from="2026-06-08", capacity=5)
    slot = await slot_at(client, boss["headers"], SERVICES[0], "2026-06-08 09:00")
    old = await applicant(client, "first-phone")
    for _ in range(3):
        appt = (await book(client, old, slot["id"])).json()
        assert (await client.post(f"/api/v1/appointments/{appt['id']}/cancel",
                                  headers=old["headers"])).status_code == 200
    await release(db, old)
    new = await again(client, "second-phone", old)
    res = await book(client, new, slot["id"])
    assert res.status_code == 429 and res.json()["code"] == "daily_limit_reached"
