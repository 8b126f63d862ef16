"""A navigator on a phone sees a new WeChat question arrive without reloading, and answers it."""

from __future__ import annotations

import pytest

from tests.console.conftest import live_server, phone_page, sign_in_page
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD, run_jobs
from tests.wechat.pushes import encrypted, push_settings, text_xml

QUESTION = "我们新开的公司车辆年审的时候尾气没过，对经营许可有影响吗，要不要找人聊聊"
ANSWER = "尾气复检合格后即可继续年审，不影响道路运输经营许可。"


@pytest.mark.browser
async def test_a_navigator_sees_a_new_wechat_question_appear_live_and_answers_it(settings, wechat, db, browser,
                                                                                 shots):
    live = push_settings(settings, wechat)
    agent_id = await account(db, phone="13900005001", roles=["helpdesk"], name="陈静")
    with live_server(live) as server:
        page = await phone_page(browser, server.url)
        await sign_in_page(page, "13900005001", STAFF_PASSWORD)
        await shots(page, "home")
        await page.goto("/console/helpdesk")
        await page.wait_for_selector("[data-live-badge].on")  # the WebSocket is connected
        await page.evaluate("window.__notReloaded = true")
        await shots(page, "queue-empty")

        # WeChat pushes the user's message to the server; the worker hands it to the help desk.
        import httpx

        query, body = encrypted(text_xml("o-sun", QUESTION, 9901))
        async with httpx.AsyncClient(base_url=server.url) as http:
            res = await http.post("/wechat/push", params=query, content=body, headers={"Content-Type": "text/xml"})
            assert res.text == "success"
        await run_jobs(live)

        item = page.locator("#waiting li", has_text=QUESTION[:12])
        await item.wait_for(timeout=15000)
        assert await page.evaluate("window.__notReloaded") is True  # it came in live, no reload
        await shots(page, "queue-new-question")

        await item.locator("button:has-text('接待')").click()
        await page.wait_for_url("**/console/helpdesk/*")
        await page.wait_for_selector("#reply-text")
        await shots(page, "conversation")
        await page.fill("#reply-text", ANSWER)
        await page.click("button:has-text('发送')")
        await page.wait_for_selector("text=已回复")
        await page.locator(".bubble.agent", has_text=ANSWER[:8]).wait_for()
        await shots(page, "answered")

    row = await db.fetchrow("SELECT m.agent_id, m.delivery, c.status FROM chat_messages m "
                            "JOIN conversations c ON c.id = m.conversation_id WHERE m.sender = 'agent'")
    assert row["agent_id"] == agent_id and row["status"] == "claimed"
    await run_jobs(live)  # the reply goes out as a WeChat customer-service message
    assert any(ANSWER in str(m) for m in wechat.messages)
