"""The console's window verification page (issue 19): the same rules as the API route."""

from __future__ import annotations

from tests.clock import use_clock
from tests.console.helpers import account, post, sign_in
from tests.factories import applicant

RESIDENT_ID = "11010519491231002X"


async def test_an_approver_confirms_a_person_at_the_window_page(client, db):
    use_clock(client, "2026-06-08 10:00")
    zhang = await applicant(client, "zhang")
    await db.execute("UPDATE users SET phone = '13800001111' WHERE id = $1", zhang["user"]["id"])
    clerk_id = await account(db, phone="13900003001", roles=["approver"], steps=["accept"], name="窗口人员")
    assert (await sign_in(client, "13900003001")).status_code == 200

    page = await client.get("/console/identity/window")
    assert page.status_code == 200 and "窗口实名核验" in page.text and "护照" in page.text
    res = await post(client, "/console/identity/window", {"phone": "13800001111", "id_type": "resident_id",
                                                          "name": "张三", "id_number": RESIDENT_ID})
    assert res.status_code == 200, res.text
    assert "实名认证已完成" in res.text and "110***********002X" in res.text and RESIDENT_ID not in res.text
    row = await db.fetchrow("SELECT method, verified_by, status FROM identities WHERE user_id = $1",
                            zhang["user"]["id"])
    assert tuple(row) == ("window", clerk_id, "verified")


async def test_the_window_page_refuses_the_staff_members_own_account(client, db):
    await account(db, phone="13900003001", roles=["approver"], steps=["accept"], name="窗口人员")
    assert (await sign_in(client, "13900003001")).status_code == 200
    res = await post(client, "/console/identity/window", {"phone": "13900003001", "id_type": "resident_id",
                                                          "name": "窗口人员", "id_number": RESIDENT_ID})
    assert res.status_code == 403 and "不能为本人账号办理实名核验" in res.text
    assert await db.fetchval("SELECT count(*) FROM identities") == 0


async def test_a_help_desk_agent_cannot_open_the_window_page(client, db):
    await account(db, phone="13900003002", roles=["helpdesk"], name="客服")
    assert (await sign_in(client, "13900003002")).status_code == 200
    assert (await client.get("/console/identity/window")).status_code == 403
