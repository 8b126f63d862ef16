"""Issue 26: an admin resets a staff member's password from the console; the member's open console
session ends at once, and their next sign-in shows the set-new-password form before anything else."""

from __future__ import annotations

from api.console.session import CSRF_COOKIE, SESSION_COOKIE
from tests.console.helpers import account, post, sign_in

DOMAIN = "testserver.local"
TEMP, NEW = "临时密码tmp2026", "我的新密码abc789"


async def test_a_reset_from_the_console_ends_the_session_and_the_new_password_comes_first(client, db):
    admin = await account(db, phone="13900026001", roles=["admin"], name="管理员")
    member = await account(db, phone="13900026002", roles=["approver"], steps=["accept"], name="受理员")
    await sign_in(client, "13900026002")
    assert (await client.get("/console/tasks")).status_code == 200
    member_session = client.cookies.get(SESSION_COOKIE)

    client.cookies.clear()
    await sign_in(client, "13900026001")
    short = await post(client, f"/console/admin/staff/{member}/password-reset", {"password": "short"})
    assert short.status_code == 422 and "密码" in short.text
    own = await post(client, f"/console/admin/staff/{admin}/password-reset", {"password": TEMP})
    assert own.status_code == 409
    done = await post(client, f"/console/admin/staff/{member}/password-reset", {"password": TEMP})
    assert done.status_code == 200 and "密码已重置" in done.text and "待本人设置新密码" in done.text
    assert "重置密码" in (await client.get(f"/console/admin/staff/{member}")).text  # in the change history

    # the member's console session is refused at its next page
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, member_session, domain=DOMAIN, path="/console")
    gone = await client.get("/console/tasks", follow_redirects=False)
    assert gone.status_code in (302, 303, 401) and "待办" not in gone.text

    # signing in with the temporary password opens no session: the new-password form comes first
    client.cookies.clear()
    held = await sign_in(client, "13900026002", TEMP)
    assert held.status_code == 200 and "设置新密码" in held.text and held.headers["hx-retarget"] == "#login"
    assert SESSION_COOKIE not in held.cookies
    assert (await client.get("/console/tasks", follow_redirects=False)).status_code != 200

    def form(**over: str) -> dict[str, str]:
        return {"phone": "13900026002", "password": TEMP, "new_password": NEW, "confirm": NEW,
                "_csrf_token": client.cookies.get(CSRF_COOKIE), **over}

    mismatch = await client.post("/console/password", data=form(confirm="另一个密码abc789"), headers={"hx-request": "true"})
    assert mismatch.status_code == 400 and "两次输入的新密码不一致" in mismatch.text
    same = await client.post("/console/password", data=form(new_password=TEMP, confirm=TEMP),
                             headers={"hx-request": "true"})
    assert same.status_code == 422 and "不能与当前密码相同" in same.text
    ok = await client.post("/console/password", data=form(), headers={"hx-request": "true"})
    assert ok.status_code == 200 and ok.headers["hx-redirect"] == "/console/"
    assert (await client.get("/console/tasks")).status_code == 200
    assert not await db.fetchval("SELECT must_change_password FROM users WHERE id = $1", member)
