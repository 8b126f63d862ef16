"""F088: what needs a verified person, and the verified claim the access token carries."""

from __future__ import annotations

import jwt
from stdnum.cn import ric

from tests.appointments.helpers import open_slot
from tests.clock import use_clock
from tests.factories import applicant, person_of, staff


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



async def test_an_unverified_account_saves_a_draft_but_cannot_submit_book_see_licences_rate_or_complain(client):
    li = await applicant(client, "li", verified=False)
    headers = li["headers"]
    created = await client.post("/api/v1/applications", headers=headers, json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "nonlocal"}, "form": {"mobile": "13812345678"}})
    assert created.status_code == 201, created.text  # a draft may be started before verification
    app_id = created.json()["id"]
    edited = await client.patch(f"/api/v1/applications/{app_id}", headers=headers,
                                json={"form": {"deliveryAddress": "温州市鹿城区车站大道1号"}})
    assert edited.status_code == 200, edited.text

    refused = [
        await client.post(f"/api/v1/applications/{app_id}/submit", headers=headers),
        await client.post("/api/v1/appointments", headers=headers, json={"slotId": 1}),
        await client.post("/api/v1/waitlist", headers=headers,
                          json={"serviceCode": "taxi-driver-cert", "date": "2026-06-10"}),
        await client.get("/api/v1/licences", headers=headers),
        await client.get(f"/api/v1/applications/{app_id}/delivery", headers=headers),
        await client.get("/api/v1/licences/1/verification-link", headers=headers),
        await client.post("/api/v1/ratings", headers=headers,
                          json={"targetType": "application", "targetId": app_id, "level": 5}),
        await client.post("/api/v1/complaints", headers=headers,
                          json={"category": "suggestion", "targetType": "app", "text": "希望增加夜间办理窗口。"}),
    ]
    for res in refused:
        assert res.status_code == 409 and res.json()["code"] == "identity_required", (res.request.url, res.text)
        assert "人脸识别" in res.json()["title"] and "身份证" in res.json()["title"]
    assert (await client.get(f"/api/v1/applications/{app_id}", headers=headers)).json()["status"] == "draft"

    # browsing needs no login at all
    assert (await client.get("/api/v1/services")).status_code == 200
    assert (await client.get("/api/v1/faq")).status_code == 200

    # once verified (the fresh tokens the verification returns), the same submit goes through to the review
    verified = await applicant(client, "li")
    submitted = await client.post(f"/api/v1/applications/{app_id}/submit", headers=verified["headers"])
    assert submitted.status_code == 200, submitted.text
    assert (await client.get("/api/v1/licences", headers=verified["headers"])).status_code == 200


async def test_a_person_verified_at_a_window_books_at_once_with_the_token_from_before(client, db):
    """The token issued before the window verification still says unverified: the booking reads the
    identity record once before refusing (rare path) and goes through; a refresh then carries the claim
    and a verified token's booking reads no identity row."""
    use_clock(client, "2026-06-05 10:00")
    _, slot = await open_slot(client, db, site="city-service-centre", service="freight-operating-permit",
                              start="2026-06-08 09:00")
    li = await applicant(client, "li", verified=False)
    assert "idv" not in jwt.decode(li["accessToken"], options={"verify_signature": False})
    still = await client.post("/api/v1/appointments", headers=li["headers"], json={"slotId": slot["id"]})
    assert still.status_code == 409 and still.json()["code"] == "identity_required"  # the record agrees: unverified

    await db.execute("UPDATE users SET phone = '13800002222' WHERE id = $1", li["user"]["id"])
    clerk = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"], name="窗口人员")
    name, number = person_of("li")
    res = await client.post("/api/v1/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"phone": "13800002222", "name": name, "idType": "resident_id", "idNumber": number})
    assert res.status_code == 201, res.text

    booked = await client.post("/api/v1/appointments", headers=li["headers"], json={"slotId": slot["id"]})
    assert booked.status_code == 201, booked.text  # the old token, minutes after the window
    fresh = (await client.post("/api/v1/auth/refresh", json={"refreshToken": li["refreshToken"]})).json()
    assert jwt.decode(fresh["accessToken"], options={"verify_signature": False})["idv"] is True