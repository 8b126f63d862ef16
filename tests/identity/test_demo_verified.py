"""The demo data's people are verified persons (F088), like every applicant."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric

from api.identity import crypto
from api.identity.demo import demo_number
from api.stats.service.demo import load


async def test_the_bulk_demo_people_are_verified_with_distinct_valid_encrypted_numbers(client, db):
    async with db.transaction():
        first = await load(db, cases=30, end=date(2026, 6, 30))
        second = await load(db, cases=30, end=date(2026, 6, 30), seed=7)  # a second load never collides
    assert first["identities"] == first["users"] == 10 and second["identities"] == 10
    people = await db.fetch("SELECT u.id, u.name, i.name AS person, i.status, i.method, i.id_cipher, i.id_key_id "
                            "FROM users u JOIN identities i ON i.user_id = u.id WHERE u.openid LIKE 'demo-%'")
    assert len(people) == 20 and all(p["status"] == "verified" and p["name"] == p["person"] for p in people)
    numbers = {crypto.active().decrypt(p["id_key_id"], p["id_cipher"]) for p in people}
    assert len(numbers) == 20 and all(ric.is_valid(n) for n in numbers)


def test_demo_numbers_are_valid_and_distinct():
    numbers = [demo_number(i) for i in range(0, 3_000_000, 997)]
    assert len(set(numbers)) == len(numbers) and all(ric.is_valid(n) for n in numbers)
