"""Closing an account (F146): asked by the person, confirmed (SMS code; a verified person's fresh face
check), refused while a case is in progress; personal data erased, case records kept under a closed
pseudonymous account, the identity released, every token ended at once."""

from __future__ import annotations

from tests.applications.helpers import draft, licence
from tests.appointments.helpers import book, open_slot
from tests.auth.helpers import sms_code, sms_login
from tests.clock import use_clock
from tests.factories import applicant, bearer, staff

API = "/api/v1"
PHONE = "13900139021"


async def _age_codes(db) -> None:
    await db.execute("UPDATE sms_codes SET created_at = created_at - interval '2 minutes'")


async def test_closing_erases_the_person_keeps_case_records_and_ends_every_token(client, db):
    login = (await sms_login(client, db, PHONE)).json()
    uid, headers = login["user"]["id"], bearer(login["accessToken"])
    assert (await client.put(f"{API}/me/address", json={"address": "浙江省温州市鹿城区府前街1号"},
                             headers=headers)).status_code == 200
    case = await draft(db, uid, form={"name": "张三"})
    lic = await licence(db, uid, "vehicle_licence", "CLOSE-LIC-1")

    unproven = await client.post(f"{API}/me/account/close", json={}, headers=headers)
    assert unproven.status_code == 400 and unproven.json()["code"] == "account_proof_required"
    assert unproven.json()["needs"] == ["code"]
    await _age_codes(db)
    code = await sms_code(client, db, PHONE, ip="203.0.113.21")
    wrong = await client.post(f"{API}/me/account/close", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 400 and wrong.json()["code"] == "sms_code_wrong"
    assert (await client.get(f"{API}/me/", headers=headers)).status_code == 200  # nothing closed
    res = await client.post(f"{API}/me/account/close", json={"code": code}, headers=headers)
    assert res.status_code == 200, res.text
    assert res.json() == {"closed": True}

    # tokens end at once: the access token and the refresh token
    assert (await client.get(f"{API}/me/", headers=headers)).status_code == 401
    assert (await client.post(f"{API}/auth/refresh", json={"refreshToken": login["refreshToken"]})).status_code == 401
    # personal data gone; the case and the licence stay with the closed, pseudonymous account
    row = await db.fetchrow("SELECT * FROM users WHERE id = $1", uid)
    assert row["closed_at"] is not None and row["disabled"] and row["phone"] is None and row["name"] is None
    assert await db.fetchval("SELECT count(*) FROM user_addresses WHERE user_id = $1", uid) == 0
    assert await db.fetchval("SELECT count(*) FROM sms_codes WHERE phone = $1", PHONE) == 0
    assert await db.fetchval("SELECT applicant_id FROM applications WHERE id = $1", case["id"]) == uid
    assert await db.fetchval("SELECT form FROM applications WHERE id = $1", case["id"]) == {}  # a draft only
    assert await db.fetchval("SELECT holder_id FROM licences WHERE id = $1", lic) == uid
    assert await db.fetchval("SELECT kind FROM account_events WHERE user_id = $1", uid) == "closed"
    # the same phone logs in to a new account (F146: 会创建新账号)
    again = await sms_login(client, db, PHONE)
    assert again.status_code == 200 and again.json()["user"]["id"] != uid


async def test_a_verified_person_closes_with_a_face_check_only_when_no_case_is_open_and_is_released(client, db):
    me = await applicant(client, "closer")
    assert (await client.post(f"{API}/me/phone", json={"code": f"dev-{PHONE}"}, headers=me["headers"])).status_code == 200
    res = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "temporary-plate", "answers": {"unplated": "no"},
        "form": {"companyName": "温州大件运输有限公司", "deliveryMethod": "窗口自取", "pickupSite": "city-service-centre"}})
    app_id = res.json()["id"]
    submitted = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert submitted.status_code == 200, submitted.text

    check = (await client.post(f"{API}/me/account/face-checks", headers=me["headers"])).json()["id"]
    assert (await client.post(f"{API}/me/identity/verifications/{check}/result",
                              headers=me["headers"])).status_code == 200
    code = await sms_code(client, db, PHONE)
    open_case = await client.post(f"{API}/me/account/close", json={"code": code, "faceCheckId": check},
                                  headers=me["headers"])
    assert open_case.status_code == 409 and open_case.json()["code"] == "account_cases_open"
    assert "正在办理" in open_case.json()["title"]

    withdrawn = await client.post(f"{API}/applications/{app_id}/withdraw", json={"reason": "不办了"},
                                  headers=me["headers"])
    assert withdrawn.status_code == 200, withdrawn.text
    no_face = await client.post(f"{API}/me/account/close", json={"code": code}, headers=me["headers"])
    assert no_face.status_code == 400 and no_face.json()["needs"] == ["faceCheckId"]  # F146: 需先刷脸验证
    closed = await client.post(f"{API}/me/account/close", json={"code": code, "faceCheckId": check},
                               headers=me["headers"])
    assert closed.status_code == 200, closed.text
    assert (await client.get(f"{API}/me/", headers=me["headers"])).status_code == 401
    assert await db.fetchval("SELECT status FROM identities WHERE user_id = $1", me["user"]["id"]) == "released"

    # the person may verify again, on a new account (the WeChat login now opens a new one)
    fresh = await client.post(f"{API}/auth/wechat", json={"code": "dev-closer"})
    assert fresh.json()["user"]["id"] != me["user"]["id"]
    started = await client.post(f"{API}/me/identity/verifications", headers=bearer(fresh.json()["accessToken"]),
                                json={"name": me["identity"]["name"], "idNumber": me["identity"]["idNumber"]})
    assert started.status_code == 201, started.text
    done = await client.post(f"{API}/me/identity/verifications/{started.json()['id']}/result",
                             headers=bearer(fresh.json()["accessToken"]))
    assert done.status_code == 200 and done.json()["verified"] is True


async def test_a_staff_account_is_not_closed_by_its_citizen_session(client, db):
    await staff(client, db, phone=PHONE, roles=["approver"])
    citizen = (await sms_login(client, db, PHONE)).json()
    res = await client.post(f"{API}/me/account/close", json={"code": "123456"}, headers=bearer(citizen["accessToken"]))
    assert res.status_code == 409 and res.json()["code"] == "staff_account_not_closable"


async def test_an_open_booking_must_be_cancelled_first(client, db):
    use_clock(client, "2026-06-05 10:00")
    _, slot = await open_slot(client, db, site="city-service-centre", service="freight-operating-permit",
                              start="2026-06-08 09:00")
    me = await applicant(client, "booker")
    booked = await book(client, me, slot["id"])
    assert booked.status_code == 201, booked.text
    res = await client.post(f"{API}/me/account/close", json={}, headers=me["headers"])
    assert res.status_code == 409 and res.json()["code"] == "account_bookings_open"
    assert "预约" in res.json()["title"]
    cancelled = await client.post(f"{API}/appointments/{booked.json()['id']}/cancel", headers=me["headers"])
    assert cancelled.status_code in (200, 204), cancelled.text
    after = await client.post(f"{API}/me/account/close", json={}, headers=me["headers"])
    assert after.status_code == 400 and after.json()["needs"] == ["faceCheckId"]  # no phone bound: the face only
