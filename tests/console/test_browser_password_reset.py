"""Issue 26 on a 375 px phone: an admin resets a staff member's password; the member's next page load
is refused, and their next sign-in shows the set-new-password form before the console."""

from __future__ import annotations

import pytest

from tests.console.conftest import accept_dialogs, live_server, phone_page, sign_in_page
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD

ADMIN, MEMBER = "13900026301", "13900026302"
TEMP, NEW = "临时密码tmp2026", "我的新密码abc789"


@pytest.mark.browser
async def test_a_reset_password_is_replaced_at_the_next_sign_in(client, settings, db, browser, shots):
    await account(db, phone=ADMIN, roles=["admin"], name="管理员 林芳")
    member = await account(db, phone=MEMBER, roles=["approver"], steps=["accept"], name="受理员 赵磊")
    with live_server(settings) as server:
        theirs = await phone_page(browser, server.url)
        await sign_in_page(theirs, MEMBER, STAFF_PASSWORD)
        await theirs.goto("/console/tasks")
        await theirs.wait_for_selector("h1:has-text('审批待办')")

        mine = await phone_page(browser, server.url)
        accept_dialogs(mine)
        await sign_in_page(mine, ADMIN, STAFF_PASSWORD)
        await mine.goto(f"/console/admin/staff/{member}")
        await mine.fill("input[name=password]", TEMP)
        await mine.click("button:has-text('重置密码')")
        await mine.wait_for_selector("text=密码已重置")
        await shots(mine, "reset")

        await theirs.reload()
        await theirs.wait_for_url("**/console/login")
        await theirs.fill("input[name=phone]", MEMBER)
        await theirs.fill("input[name=password]", TEMP)
        await theirs.click("button:has-text('登录')")
        await theirs.wait_for_selector("h1:has-text('设置新密码')")
        await shots(theirs, "set-new-password")
        await theirs.fill("#login input[name=password]", TEMP)
        await theirs.fill("#login input[name=new_password]", NEW)
        await theirs.fill("#login input[name=confirm]", NEW)
        await theirs.click("button:has-text('设置新密码并登录')")
        await theirs.wait_for_url("**/console/")
        await theirs.goto("/console/tasks")
        await theirs.wait_for_selector("h1:has-text('审批待办')")
        await shots(theirs, "signed-in")
    actions = [r["action"] for r in await db.fetch(
        "SELECT action FROM staff_account_events WHERE user_id = $1 ORDER BY id", member)]
    assert actions == ["password_reset", "password_changed"]
