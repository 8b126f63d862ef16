"""Issue 26: an admin resets a staff member's password; the member's sessions end at once and no
staff session opens before they set a new one with the temporary password (under the login's lock)."""

from __future__ import annotations

from tests.auth.helpers import START
from tests.clock import use_clock
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD

ADMIN, MEMBER = "13700268001", "13700268002"
TEMP, NEW = "临时密码tmp2026", "我的新密码abc789"


async def _login(client, phone: str, password: str):
    return await client.post("/api/v1/auth/staff-login", json={"phone": phone, "password": password})


async def test_a_reset_ends_the_sessions_and_the_member_sets_a_new_password_before_signing_in(client, db):
    admin = await account(db, phone=ADMIN, roles=["admin"], name="管理员")
    member = await account(db, phone=MEMBER, roles=["helpdesk"], name="导航员")
    admin_h = {"Authorization": f"Bearer {(await _login(client, ADMIN, STAFF_PASSWORD)).json()['accessToken']}"}
    before = (await _login(client, MEMBER, STAFF_PASSWORD)).json()
    member_h = {"Authorization": f"Bearer {before['accessToken']}"}
    assert (await client.get("/api/v1/helpdesk/conversations", headers=member_h)).status_code == 200

    # only an admin resets, never their own password, with a password of at least 8 characters
    path = f"/api/v1/admin/staff/{member}/password-reset"
    assert (await client.post(path, json={"password": TEMP}, headers=member_h)).status_code == 403
    assert (await client.post(path, json={"password": "short"}, headers=admin_h)).status_code == 400
    own = await client.post(f"/api/v1/admin/staff/{admin}/password-reset", json={"password": TEMP}, headers=admin_h)
    assert own.status_code == 409 and own.json()["code"] == "staff_self_change"
    reset = await client.post(path, json={"password": TEMP}, headers=admin_h)
    assert reset.status_code == 200, reset.text
    assert reset.json()["mustChangePassword"] is True and reset.json()["phone"] == "137****8002"

    # the open session ends at once: the access token and its refresh token are refused
    assert (await client.get("/api/v1/helpdesk/conversations", headers=member_h)).status_code == 401
    refresh = await client.post("/api/v1/auth/refresh", json={"refreshToken": before["refreshToken"]})
    assert refresh.status_code == 401

    # the old password no longer works; the temporary one opens no session but says what to do
    assert (await _login(client, MEMBER, STAFF_PASSWORD)).status_code == 401
    held = await _login(client, MEMBER, TEMP)
    assert held.status_code == 403 and held.json()["code"] == "password_change_required"
    assert "accessToken" not in held.json()

    change = "/api/v1/auth/staff-password"
    wrong = await client.post(change, json={"phone": MEMBER, "password": "not-the-temp", "newPassword": NEW})
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
    same = await client.post(change, json={"phone": MEMBER, "password": TEMP, "newPassword": TEMP})
    assert same.status_code == 422 and same.json()["code"] == "password_unchanged"
    done = await client.post(change, json={"phone": MEMBER, "password": TEMP, "newPassword": NEW})
    assert done.status_code == 200, done.text
    fresh = {"Authorization": f"Bearer {done.json()['accessToken']}"}
    assert (await client.get("/api/v1/helpdesk/conversations", headers=fresh)).status_code == 200
    assert (await _login(client, MEMBER, TEMP)).status_code == 401
    assert (await _login(client, MEMBER, NEW)).status_code == 200

    events = await db.fetch("SELECT action, actor_id FROM staff_account_events WHERE user_id = $1 ORDER BY id", member)
    assert [(e["action"], e["actor_id"]) for e in events] == [("password_reset", admin), ("password_changed", member)]


async def test_the_new_password_route_counts_towards_the_account_lock(client, db):
    admin = await account(db, phone=ADMIN, roles=["admin"], name="管理员")
    member = await account(db, phone=MEMBER, roles=["approver"], steps=["accept"])
    use_clock(client, START)
    from api.auth.service import staff
    from api.auth.schemas import AuthUser

    await staff.reset_password(db, AuthUser(id=admin, roles=("admin",), steps=()), member, TEMP)
    answers = [await client.post("/api/v1/auth/staff-password",
                                 json={"phone": MEMBER, "password": f"guess-{i}", "newPassword": NEW},
                                 headers={"X-Forwarded-For": f"198.51.100.{i + 1}"}) for i in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    right = await client.post("/api/v1/auth/staff-password", json={"phone": MEMBER, "password": TEMP, "newPassword": NEW})
    assert right.status_code == 429 and right.json()["code"] == "account_locked"
    assert await db.fetchval("SELECT must_change_password FROM users WHERE id = $1", member)
