"""Issue 17, item 11: a staff token does not outlive its logout, the account's disabling or a
change of its roles; the console session neither. Each takes effect on the very next request."""

from __future__ import annotations

from tests.console.helpers import account, sign_in
from tests.factories import STAFF_PASSWORD, applicant, staff

ADMIN_ONLY = "/api/v1/admin/notify/sms-channel"


async def test_a_logged_out_staff_access_token_is_refused_on_the_next_request(client, db):
    admin = await staff(client, db, phone="13700171101", roles=["admin"])
    other_device = await client.post("/api/v1/auth/staff-login",
                                     json={"phone": "13700171101", "password": STAFF_PASSWORD})
    assert (await client.get(ADMIN_ONLY, headers=admin["headers"])).status_code == 200
    assert (await client.post("/api/v1/auth/logout", json={"refreshToken": admin["refreshToken"]})).status_code == 204
    res = await client.get(ADMIN_ONLY, headers=admin["headers"])
    assert res.status_code == 401 and res.json()["code"] == "unauthorized"
    assert (await client.get("/api/v1/me", headers=admin["headers"])).status_code == 401
    # logging out is per session: the same person's other device carries on
    other = {"Authorization": f"Bearer {other_device.json()['accessToken']}"}
    assert (await client.get(ADMIN_ONLY, headers=other)).status_code == 200


async def test_disabling_a_staff_member_refuses_their_token_and_refresh_at_once(client, db):
    admin = await staff(client, db, phone="13700171102", roles=["admin"])
    assert (await client.get(ADMIN_ONLY, headers=admin["headers"])).status_code == 200
    await db.execute("UPDATE users SET disabled = true WHERE id = $1", admin["user"]["id"])
    assert (await client.get(ADMIN_ONLY, headers=admin["headers"])).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refreshToken": admin["refreshToken"]})
    assert refreshed.status_code == 401
    # enabling the account again does not bring the old session back
    await db.execute("UPDATE users SET disabled = false WHERE id = $1", admin["user"]["id"])
    assert (await client.get(ADMIN_ONLY, headers=admin["headers"])).status_code == 401
    assert (await client.post("/api/v1/auth/refresh", json={"refreshToken": admin["refreshToken"]})).status_code == 401


async def test_a_removed_role_is_gone_on_the_next_request_and_refresh_gives_the_new_roles(client, db):
    admin = await staff(client, db, phone="13700171103", roles=["admin", "approver"], steps=["accept"])
    await db.execute("UPDATE users SET roles = '{approver}' WHERE id = $1", admin["user"]["id"])
    assert (await client.get(ADMIN_ONLY, headers=admin["headers"])).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refreshToken": admin["refreshToken"]})
    assert refreshed.status_code == 200 and refreshed.json()["user"]["roles"] == ["approver"]
    new = {"Authorization": f"Bearer {refreshed.json()['accessToken']}"}
    assert (await client.get(ADMIN_ONLY, headers=new)).status_code == 403
    assert (await client.get("/api/v1/me", headers=new)).status_code == 200


async def test_citizen_tokens_are_not_checked_per_request_and_keep_working(client, db):
    person = await applicant(client, "plain-citizen")
    await db.execute("UPDATE users SET name = '张三' WHERE id = $1", person["user"]["id"])
    assert (await client.get("/api/v1/me", headers=person["headers"])).status_code == 200


async def test_the_console_session_ends_on_a_role_change_or_disabling(client, db):
    await account(db, phone="13900171105", roles=["admin"])
    await sign_in(client, "13900171105")
    assert (await client.get("/console/admin/slots")).status_code == 200
    await db.execute("UPDATE users SET roles = '{helpdesk}' WHERE phone = '13900171105'")
    assert (await client.get("/console/admin/slots", follow_redirects=False)).status_code == 303  # signed out

    await sign_in(client, "13900171105")
    assert (await client.get("/console/helpdesk")).status_code == 200
    # roles given back: the session that ended stays ended (a new sign-in is needed)
    await db.execute("UPDATE users SET roles = '{admin}' WHERE phone = '13900171105'")
    assert (await client.get("/console/admin/slots", follow_redirects=False)).status_code == 303
