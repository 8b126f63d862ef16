"""F088: what needs a verified person, and the verified claim the access token carries."""

from __future__ import annotations

import jwt
from stdnum.cn import ric

from tests.factories import applicant, bearer, person_of


async def test_the_factory_verifies_through_the_sandbox_face_flow_and_returns_fresh_tokens(client):
    zhang = await applicant(client, "zhang")
    mine = (await client.get("/api/v1/me/identity", headers=zhang["headers"])).json()
    assert mine["verified"] is True and mine["identity"]["method"] == "face"
    assert mine["identity"]["name"] == zhang["identity"]["name"] == person_of("zhang")[0]
    assert jwt.decode(zhang["accessToken"], options={"verify_signature": False})["idv"] is True
    # the refreshed pair keeps the claim; an unverified account's tokens never carry it
    again = (await client.post("/api/v1/auth/refresh", json={"refreshToken": zhang["refreshToken"]})).json()
    assert jwt.decode(again["accessToken"], options={"verify_signature": False})["idv"] is True
    li = await applicant(client, "li", verified=False)
    assert "idv" not in jwt.decode(li["accessToken"], options={"verify_signature": False})
    assert li["identity"] is None
    # logging in again as a verified person keeps the identity and the claim
    twice = await applicant(client, "zhang")
    assert jwt.decode(twice["accessToken"], options={"verify_signature": False})["idv"] is True


def test_factory_people_have_valid_distinct_resident_ids():
    numbers = {person_of(f"p{i}")[1] for i in range(500)}
    assert len(numbers) == 500 and all(ric.is_valid(n) for n in numbers)
    assert all(n[14:17] not in ("998", "999") for n in numbers)  # the sandbox's refusing sequences
    assert person_of("zhang") == person_of("zhang")

