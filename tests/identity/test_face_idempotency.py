"""POST /me/identity/verifications honours Idempotency-Key: a retried start opens no second try."""

from __future__ import annotations

from tests.factories import applicant, person_of

START = "/api/v1/me/identity/verifications"


async def test_a_retried_start_returns_the_first_session_and_spends_one_try(client, db):
    me = await applicant(client, "retry", verified=False)
    name, number = person_of("retry")
    headers = {**me["headers"], "Idempotency-Key": "start-1"}
    first = await client.post(START, json={"name": name, "idNumber": number}, headers=headers)
    again = await client.post(START, json={"name": name, "idNumber": number}, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json() == again.json() and first.json()["triesLeft"] == 4
    assert await db.fetchval("SELECT count(*) FROM identity_face_attempts") == 1
    assert number not in str(await db.fetchval("SELECT idem_hash FROM identity_face_attempts"))

    other = await client.post(START, json={"name": "李四", "idNumber": number}, headers=headers)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    fresh = await client.post(START, json={"name": name, "idNumber": number},
                              headers={**me["headers"], "Idempotency-Key": "start-2"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"] and fresh.json()["triesLeft"] == 3

    # the retry of a start whose try already ended still answers the same; the result is what counts
    done = await client.post(f"{START}/{first.json()['id']}/result", headers=me["headers"])
    assert done.status_code == 200 and done.json()["verified"] is True
    late = await client.post(START, json={"name": name, "idNumber": number}, headers=headers)
    assert late.status_code == 201 and late.json() == first.json()
    assert await db.fetchval("SELECT count(*) FROM identity_face_attempts") == 2
