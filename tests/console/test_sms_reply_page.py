"""Issue 26 with issue 25's SMS reply: once WeChat's 48-hour window has closed, the conversation page
offers the SMS reply form (the same service as POST /helpdesk/conversations/{id}/sms-reply)."""

from __future__ import annotations

import pytest

from tests.console.helpers import account, post, sign_in, waiting_question
from tests.helpdesk.conftest import pin_to_working_hours


@pytest.fixture(autouse=True)
def during_working_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_to_working_hours(monkeypatch)


async def test_after_the_window_closes_the_navigator_answers_by_sms_from_the_console(client, db):
    conv = await waiting_question(client, db)
    await db.execute("UPDATE conversations SET channel = 'wechat' WHERE id = $1", conv)
    await account(db, phone="13900026101", roles=["helpdesk"], name="陈静")
    await sign_in(client, "13900026101")
    assert (await post(client, f"/console/helpdesk/{conv}/claim")).status_code == 200

    # the window is open: the ordinary reply box, and the SMS route refuses
    page = await client.get(f"/console/helpdesk/{conv}")
    assert "发送短信" not in page.text and 'hx-post="/console/helpdesk/%d/reply"' % conv in page.text
    early = await post(client, f"/console/helpdesk/{conv}/sms-reply", {"text": "您好"})
    assert early.status_code == 409 and "微信回复窗口仍开放" in early.text

    await db.execute("UPDATE conversations SET last_user_message_at = now() - interval '49 hours' WHERE id = $1", conv)
    page = await client.get(f"/console/helpdesk/{conv}")
    assert "发送短信" in page.text and 'hx-post="/console/helpdesk/%d/reply"' % conv not in page.text
    long = await post(client, f"/console/helpdesk/{conv}/sms-reply", {"text": "长" * 61})
    assert long.status_code == 400
    sent = await post(client, f"/console/helpdesk/{conv}/sms-reply", {"text": "复检合格后即可配发运输证。"})
    assert sent.status_code == 200 and "已发送短信回复" in sent.text and "（短信）" in sent.text, sent.text
    row = await db.fetchrow("SELECT via, text FROM chat_messages WHERE conversation_id = $1 AND sender = 'agent'", conv)
    assert row["via"] == "sms" and row["text"] == "复检合格后即可配发运输证。"
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'helpdesk_sms_reply' AND user_id = "
                             "(SELECT user_id FROM conversations WHERE id = $1)", conv) >= 1  # through the outbox
    for n in range(2):
        assert (await post(client, f"/console/helpdesk/{conv}/sms-reply", {"text": f"补充{n}"})).status_code == 200
    fourth = await post(client, f"/console/helpdesk/{conv}/sms-reply", {"text": "再补充"})
    assert fourth.status_code == 429 and "已达上限" in fourth.text
