"""Issue 17 item 12: public case numbers were sequential (WZ-YYYYMMDD-000001) and /progress answers
anyone, so one case's number led to its neighbours'. Numbers are now a date, a random part and a
check character; a mistyped one is refused without a database look-up; old numbers stay valid."""

from __future__ import annotations

import re

from api.applications import public_no as public_numbers
from api.applications.service import journey
from tests.applications.helpers import submitted_temporary_plate
from tests.factories import applicant

API = "/api/v1"
NEW_SHAPE = re.compile(r"^WZ-\d{8}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{9}$")


def _neighbours(number: str) -> list[str]:
    """What an attacker tries from a number they hold: the same day, the sequence around it."""
    day = number[3:11]
    seq = int(number[12:]) if number[12:].isdigit() else 1
    return [f"WZ-{day}-{n:06d}" for n in range(max(1, seq - 3), seq + 4) if n != seq]


async def test_one_cases_number_does_not_lead_to_another_cases_progress(client):
    mine = await submitted_temporary_plate(client, await applicant(client, "wang"))
    theirs = await submitted_temporary_plate(client, await applicant(client, "li"))
    for number in (mine["publicNo"], theirs["publicNo"]):
        assert NEW_SHAPE.match(number) and public_numbers.normalise(number) == number, number
    assert (await client.get(f"{API}/progress/{theirs['publicNo']}")).status_code == 200
    for guess in _neighbours(mine["publicNo"]):
        res = await client.get(f"{API}/progress/{guess}")
        assert res.status_code == 404, (guess, res.text)


async def test_a_mistyped_number_is_refused_without_a_database_look_up(client, monkeypatch):
    number = (await submitted_temporary_plate(client, await applicant(client, "wang")))["publicNo"]
    # people read it out and type it back: lower case, and i/l/o for 1/1/0, still find the case
    typed = number.lower().replace("1", "l").replace("0", "o")
    assert (await client.get(f"{API}/progress/{typed}")).json()["publicNo"] == number

    looked_up = []
    original = journey.q.get_by_public_no

    async def counting(conn, *, public_no):
        looked_up.append(public_no)
        return await original(conn, public_no=public_no)

    monkeypatch.setattr(journey.q, "get_by_public_no", counting)
    wrong = public_numbers.ALPHABET[(public_numbers.ALPHABET.index(number[-3]) + 1) % 32]
    mistyped = number[:-3] + wrong + number[-2:]  # one character of the random part
    for path in (f"{API}/progress/{mistyped}", f"{API}/progress/{mistyped}/qr.png", f"{API}/progress/WZ-1"):
        res = await client.get(path)
        assert res.status_code == 404 and res.json()["code"] == "public_no_mistyped", res.text
    assert looked_up == []


async def test_numbers_given_before_stay_valid(client, db):
    app = await submitted_temporary_plate(client, await applicant(client, "wang"))
    await db.execute("UPDATE applications SET public_no = 'WZ-20260105-000042' WHERE id = $1", app["id"])
    res = await client.get(f"{API}/progress/WZ-20260105-000042")
    assert res.status_code == 200 and res.json()["publicNo"] == "WZ-20260105-000042", res.text


async def test_a_number_already_taken_is_never_given_twice(client, db, monkeypatch):
    first = (await submitted_temporary_plate(client, await applicant(client, "wang")))["publicNo"]
    fresh = iter([first, first, "WZ-20260105-7K3M9QX4" + public_numbers.check_character("20260105", "7K3M9QX4")])
    monkeypatch.setattr(public_numbers, "new", lambda day: next(fresh))
    second = await submitted_temporary_plate(client, await applicant(client, "li"))
    assert second["publicNo"] != first and NEW_SHAPE.match(second["publicNo"])
    assert await db.fetchval("SELECT count(*) FROM applications WHERE public_no = $1", first) == 1
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", second["id"]) == "submitted"
