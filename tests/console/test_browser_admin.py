"""Admins on a 375 px phone: a complaint answered (the complainant masked), an FAQ similar question
added as a draft and published, a staff member disabled whose next page load is refused."""

from __future__ import annotations

import pytest

from tests.complaints.helpers import citizen, file
from tests.console.conftest import accept_dialogs, live_server, phone_page, sign_in_page
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD

ADMIN = "13900008301"


@pytest.mark.browser
async def test_a_complaint_is_answered_from_a_phone_and_the_complainant_stays_masked(client, settings, db, browser,
                                                                                      shots):
    zhang = await citizen(client, "zhang")
    await db.execute("UPDATE users SET name = '张国强', phone = '13811112222' WHERE id = $1", zhang["user"]["id"])
    filed = await file(client, zhang)
    await account(db, phone=ADMIN, roles=["admin"], name="管理员 林芳")
    with live_server(settings) as server:
        page = await phone_page(browser, server.url)
        await sign_in_page(page, ADMIN, STAFF_PASSWORD)
        await page.goto("/console/admin/complaints")
        listing = await page.locator("#complaints").inner_text()
        assert filed["publicNo"] in listing and "张**" in listing and "138****2222" in listing
        assert "张国强" not in await page.content() and "13811112222" not in await page.content()
        await shots(page, "queue")
        await page.click(f"a[href='/console/admin/complaints/{filed['id']}']")
        await page.fill("textarea[name=text]", "经核实，已对窗口人员批评教育，并增设引导岗，感谢您的监督。")
        await shots(page, "answer-form")
        await page.click("button:has-text('提交答复')")
        await page.wait_for_selector("text=已答复，已通知投诉人")
        await shots(page, "answered")
        await page.click("button:has-text('办结')")
        await page.wait_for_selector("#complaint >> text=已办结")
    row = await db.fetchrow("SELECT status, answer, answered_late FROM complaints WHERE id = $1", filed["id"])
    assert (row["status"], row["answered_late"]) == ("closed", False) and "引导岗" in row["answer"]
    told = await db.fetch("SELECT channel FROM notifications WHERE event = 'complaint_answered' AND user_id = $1",
                          zhang["user"]["id"])
    assert told, "the complainant is told of the answer"


@pytest.mark.browser
async def test_an_faq_similar_question_is_added_as_a_draft_and_published(client, settings, db, browser, shots):
    await account(db, phone=ADMIN, roles=["admin"], name="管理员 林芳")
    entry = await db.fetchrow("SELECT id, question FROM faq_entries WHERE status = 'active' ORDER BY id LIMIT 1")
    similar = "开出租车的资格证到底怎么考"
    with live_server(settings) as server:
        page = await phone_page(browser, server.url)
        await sign_in_page(page, ADMIN, STAFF_PASSWORD)
        await page.goto(f"/console/admin/faq?status=active&q={entry['question'][:6]}")
        await page.click(f"a[href='/console/admin/faq/{entry['id']}']")
        await page.fill("#similar input[name=question]", similar)
        await page.click("button:has-text('存为草稿')")
        await page.wait_for_selector("text=相似问法已存为草稿")
        await shots(page, "draft")
        draft = await db.fetchrow("SELECT alternates, proposed_alternates FROM faq_entries WHERE id = $1", entry["id"])
        assert similar in draft["proposed_alternates"] and similar not in draft["alternates"]
        # the list shows the entry waiting for publication
        await page.goto("/console/admin/faq?status=active")
        assert "1 条相似问法待发布" in await page.locator("#faq").inner_text()
        await page.goto(f"/console/admin/faq/{entry['id']}")
        await page.click("button:has-text('发布相似问法')")
        await page.wait_for_selector("text=已发布")
        await shots(page, "published")
    live = await db.fetchrow("SELECT alternates, proposed_alternates FROM faq_entries WHERE id = $1", entry["id"])
    assert similar in live["alternates"] and list(live["proposed_alternates"]) == []


@pytest.mark.browser
async def test_a_disabled_staff_member_is_refused_on_the_next_page_load(client, settings, db, browser, shots):
    await account(db, phone=ADMIN, roles=["admin"], name="管理员 林芳")
    victim = await account(db, phone="13900008302", roles=["approver"], steps=["accept"], name="受理员 赵磊")
    with live_server(settings) as server:
        theirs = await phone_page(browser, server.url)
        await sign_in_page(theirs, "13900008302", STAFF_PASSWORD)
        await theirs.goto("/console/tasks")
        await theirs.wait_for_selector("h1:has-text('审批待办')")

        mine = await phone_page(browser, server.url)
        accept_dialogs(mine)
        await sign_in_page(mine, ADMIN, STAFF_PASSWORD)
        await mine.goto("/console/admin/staff")
        await shots(mine, "staff-list")
        await mine.click(f"a[href='/console/admin/staff/{victim}']")
        await mine.click("button:has-text('停用账号')")
        await mine.wait_for_selector("text=已停用，立即生效")
        await shots(mine, "disabled")
        assert "停用" in await mine.locator("#staff-member .timeline").inner_text()

        # their very next page load: back to the sign-in page, and signing in again is refused (in the
        # words of a wrong password: a disabled account is no oracle)
        await theirs.reload()
        await theirs.wait_for_url("**/console/login")
        await shots(theirs, "refused")
        await theirs.fill("input[name=phone]", "13900008302")
        await theirs.fill("input[name=password]", STAFF_PASSWORD)
        await theirs.click("button:has-text('登录')")
        await theirs.wait_for_selector("#flash >> text=手机号或密码不正确")
        assert theirs.url.endswith("/console/login")
    events = await db.fetch("SELECT action, actor_id FROM staff_account_events WHERE user_id = $1", victim)
    assert [e["action"] for e in events] == ["disabled"]
    assert await db.fetchval("SELECT disabled FROM users WHERE id = $1", victim) is True
