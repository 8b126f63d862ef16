"""Changing the phone (F087): the old phone's code, or a fresh face check when it is gone; the new
phone's own code; a phone another account holds is refused."""

from __future__ import annotations

from tests.auth.helpers import sms_code, sms_login
from tests.clock import use_clock
from tests.factories import applicant, bearer

API = "/api/v1"
OLD, NEW = "13900139011", "13900139012"


async def _age_codes(db) -> None:
    """Codes asked for earlier (60 s apart at least, F124): moved back rather than waited for."""
    await db.execute("UPDATE sms_codes SET created_at = created_at - interval '2 minutes'")


async def test_changing_the_phone_with_the_old_phones_code(client, db):
    me = (await sms_login(client, db, OLD)).json()
    headers = bearer(me["accessToken"])
    await _age_codes(db)
    old_code = await sms_code(client, db, OLD)
    new_code = await sms_code(client, db, NEW)

    wrong = await client.post(f"{API}/me/phone/change", headers=headers,
                              json={"newPhone": NEW, "newCode": new_code, "oldCode": "000000"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "sms_code_wrong"
    nothing = await client.post(f"{API}/me/phone/change", headers=headers, json={"newPhone": NEW, "newCode": new_code})
    assert nothing.status_code == 400 and nothing.json()["code"] == "account_proof_required"

    res = await client.post(f"{API}/me/phone/change", headers=headers,
                            json={"newPhone": NEW, "newCode": new_code, "oldCode": old_code})
    assert res.status_code == 200, res.text
    assert res.json()["phone"] == NEW and res.json()["id"] == me["user"]["id"]
    event = await db.fetchrow("SELECT detail FROM account_events WHERE user_id = $1 AND kind = 'phone_changed'",
                              me["user"]["id"])
    assert event["detail"] == {"from": "139****9011", "to": "139****9012", "proof": "sms"}
    # the new phone logs in to the same account; the old one is free (a new account)
    await _age_codes(db)
    assert (await sms_login(client, db, NEW)).json()["user"]["id"] == me["user"]["id"]
    assert (await sms_login(client, db, OLD)).json()["user"]["id"] != me["user"]["id"]


async def test_a_phone_another_account_holds_is_refused(client, db):
    me = (await sms_login(client, db, OLD)).json()
    other = (await sms_login(client, db, NEW)).json()
    await _age_codes(db)
    res = await client.post(f"{API}/me/phone/change", headers=bearer(me["accessToken"]),
                            json={"newPhone": NEW, "newCode": "123456", "oldCode": "123456"})
    assert res.status_code == 409 and res.json()["code"] == "phone_taken"
    assert other["user"]["id"] != me["user"]["id"]
    same = await client.post(f"{API}/me/phone/change", headers=bearer(me["accessToken"]),
                             json={"newPhone": OLD, "newCode": "123456", "oldCode": "123456"})
    assert same.status_code == 400 and same.json()["code"] == "phone_unchanged"


async def test_changing_the_phone_with_a_fresh_face_check_when_the_old_phone_is_gone(client, db):
    clock = use_clock(client, "2026-06-08 10:00")
    me = await applicant(client, "lost-phone")
    bound = await client.post(f"{API}/me/phone", json={"code": f"dev-{OLD}"}, headers=me["headers"])
    assert bound.status_code == 200, bound.text

    started = await client.post(f"{API}/me/account/face-checks", headers=me["headers"])
    assert started.status_code == 201, started.text
    check_id = started.json()["id"]
    assert started.json()["verifyId"]
    done = await client.post(f"{API}/me/identity/verifications/{check_id}/result", headers=me["headers"])
    assert done.status_code == 200 and done.json()["verified"] is True

    new_code = await sms_code(client, db, NEW)
    res = await client.post(f"{API}/me/phone/change", headers=me["headers"],
                            json={"newPhone": NEW, "newCode": new_code, "faceCheckId": check_id})
    assert res.status_code == 200, res.text
    assert res.json()["phone"] == NEW
    assert await db.fetchval("SELECT face_attempt_id FROM account_events WHERE kind = 'phone_changed'") == check_id

    # a face check confirms one action, and only for ten minutes
    await _age_codes(db)
    again = await client.post(f"{API}/me/phone/change", headers=me["headers"],
                              json={"newPhone": OLD, "newCode": await sms_code(client, db, OLD),
                                    "faceCheckId": check_id})
    assert again.status_code == 400 and again.json()["code"] == "account_proof_required"
    second = (await client.post(f"{API}/me/account/face-checks", headers=me["headers"])).json()["id"]
    assert (await client.post(f"{API}/me/identity/verifications/{second}/result",
                              headers=me["headers"])).status_code == 200
    clock.advance(minutes=11)
    await _age_codes(db)
    stale = await client.post(f"{API}/me/phone/change", headers=me["headers"],
                              json={"newPhone": OLD, "newCode": await sms_code(client, db, OLD),
                                    "faceCheckId": second})
    assert stale.status_code == 400 and stale.json()["code"] == "face_check_needed"


async def test_an_unverified_account_cannot_start_a_face_check(client):
    me = await applicant(client, "not-verified", verified=False)
    res = await client.post(f"{API}/me/account/face-checks", headers=me["headers"])
    assert res.status_code == 409 and res.json()["code"] == "face_check_not_possible"


async def test_binding_cannot_replace_a_bound_phone_without_proof_of_the_old_one(client, db):
    me = await applicant(client, "rebinder", verified=False)
    assert (await client.post(f"{API}/me/phone", json={"code": f"dev-{OLD}"}, headers=me["headers"])).status_code == 200
    again = await client.post(f"{API}/me/phone", json={"code": f"dev-{OLD}"}, headers=me["headers"])
    assert again.status_code == 200 and again.json()["phone"] == OLD  # the same phone: nothing to do
    other = await client.post(f"{API}/me/phone", json={"code": f"dev-{NEW}"}, headers=me["headers"])
    assert other.status_code == 409 and other.json()["code"] == "phone_already_bound"
    assert "更换手机号" in other.json()["title"]
