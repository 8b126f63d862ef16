"""F140: people answer on working days 8:30–12:00 and 13:30–17:00. A hand-off outside those hours
(typing 人工, or the FAQ unsure) still queues the conversation, and the reply says when agents are
next online, counted on the working-day calendar (weekends, holidays, make-up working days)."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.clock import Clock, sh
from tests.factories import applicant, run_jobs, staff
from tests.helpdesk.helpers import UNSURE
from tests.wechat.pushes import encrypted, push, push_settings, text_xml

API = "/api/v1"


@pytest.fixture(autouse=True)
def during_working_hours() -> None:
    """Here the hours are the subject: each test sets its own clock, and agents are not pinned online."""


async def _say(client, person, text: str) -> list[dict]:
    res = await client.post(f"{API}/chat/messages", headers=person["headers"], json={"text": text})
    assert res.status_code == 201, res.text
    return res.json()


async def _queue(client, db) -> list[int]:
    agent = await staff(client, db, phone="13900002201", roles=["helpdesk"], name="导航员 许")
    waiting = await client.get(f"{API}/helpdesk/conversations", params={"status": "waiting"}, headers=agent["headers"])
    return [c["id"] for c in waiting.json()]


async def test_asking_for_a_person_on_saturday_queues_and_says_monday_830(client, db):
    client.app.state.clock = Clock(sh("2026-06-06 10:00"))  # a Saturday
    me = await applicant(client, "weekend")
    mine, notice = await _say(client, me, "人工")
    assert mine["sender"] == "user"
    assert notice["sender"] == "bot" and notice["machine"] is True
    assert "工作日8:30—12:00、13:30—17:00" in notice["text"]
    assert "6月8日（周一）8:30" in notice["text"]
    agent = await staff(client, db, phone="13900002202", roles=["helpdesk"], name="导航员 杜")
    queue = (await client.get(f"{API}/helpdesk/conversations", headers=agent["headers"])).json()
    assert [c["id"] for c in queue] == [mine["conversationId"]]  # still waits for a person
    assert queue[0]["lastText"] == "人工"  # the queue shows what the user said, not the notice

    # Said once as it joins the queue, not again for every message while it waits.
    assert [m["sender"] for m in await _say(client, me, "在吗")] == ["user"]
    assert await db.fetchval("SELECT count(*) FROM chat_messages WHERE sender = 'bot'") == 1


async def test_an_unsure_question_at_lunchtime_says_agents_return_at_1330_today(client, db):
    client.app.state.clock = Clock(sh("2026-06-05 12:10"))  # a Friday's lunch break
    me = await applicant(client, "lunch")
    mine, notice = await _say(client, me, UNSURE)
    assert "今天6月5日（周五）13:30" in notice["text"]
    conv = await db.fetchrow("SELECT status, jsonb_array_length(suggestions) AS n FROM conversations")
    assert conv["status"] == "waiting" and conv["n"] == 3  # the FAQ's suggestions wait with it


async def test_after_17_before_a_holiday_the_next_working_day_is_named(client, db):
    client.app.state.clock = Clock(sh("2026-06-18 17:00"))  # 17:00 is closed; 6-19 is 端午
    me = await applicant(client, "holiday")
    _, notice = await _say(client, me, "我要转人工客服")
    assert "6月22日（周一）8:30" in notice["text"]


async def test_a_make_up_working_sunday_counts_as_a_working_day(client, db):
    # 2026: Sunday 20 September is worked in exchange for the Mid-Autumn holiday (调休).
    client.app.state.clock = Clock(sh("2026-09-19 09:00"))  # the Saturday before
    me = await applicant(client, "makeup")
    _, notice = await _say(client, me, "人工")
    assert "明天9月20日（周日）8:30" in notice["text"]


async def test_during_working_hours_the_queue_gets_no_notice(client, db):
    client.app.state.clock = Clock(sh("2026-06-05 16:59"))
    me = await applicant(client, "open")
    assert [m["sender"] for m in await _say(client, me, "人工")] == ["user"]
    assert len(await _queue(client, db)) == 1


async def test_a_wechat_user_gets_the_notice_as_a_customer_service_message(settings, wechat, db):
    live = push_settings(settings, wechat)
    night = Clock(sh("2026-06-09 21:30"))  # a Tuesday evening
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(text_xml("o-night", "转人工", 7301))
        assert (await push(client, query, body)).text == "success"
        await run_jobs(live, clock=night)
        waiting = await _queue(client, db)
    assert len(waiting) == 1
    assert len(wechat.messages) == 1 and wechat.messages[0]["touser"] == "o-night"
    assert "明天6月10日（周三）8:30" in wechat.messages[0]["text"]
    row = await db.fetchrow("SELECT m.delivery, c.replies_since_user FROM chat_messages m "
                            "JOIN conversations c ON c.id = m.conversation_id WHERE m.sender = 'bot'")
    assert row["delivery"] == "sent" and row["replies_since_user"] == 1  # one of WeChat's 5 replies
