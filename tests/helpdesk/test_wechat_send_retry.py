"""A help-desk text to WeChat whose customer-service send timed out (the connection held, then
closed unanswered) is sent again later, once, like any outbox message: live mode, wechatpy
against the fake WeChat, the real arq jobs on the test's Redis."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import redis as redis_sync
from arq import create_pool
from litestar.testing import AsyncTestClient

from api.app import create_app
from jobs import redis_settings
from tests.factories import run_jobs
from tests.wechat.pushes import encrypted, push, push_settings, text_xml

CUSTOM_SEND = "/cgi-bin/message/custom/send"


async def _enqueue(settings, function: str, *args) -> None:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    await arq.enqueue_job(function, *args)
    await arq.aclose()


async def test_an_automatic_answer_whose_send_timed_out_reaches_the_user_once_later(settings, wechat, db):
    live = push_settings(settings, wechat)
    wechat.hang_up(CUSTOM_SEND)  # the first customer-service send: held, then closed unanswered
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(text_xml("o-late", "的哥上岗需要什么资格证？", 7101))
        assert (await push(client, query, body)).text == "success"
    await run_jobs(live)
    answer = await db.fetchval("SELECT answer FROM faq_entries WHERE id = 'F001'")
    assert wechat.messages == [] and len(wechat.calls(CUSTOM_SEND)) == 1
    row = await db.fetchrow("SELECT id, delivery, attempts, retry_at FROM chat_messages WHERE sender = 'bot'")
    assert (row["delivery"], row["attempts"]) == ("pending", 1) and row["retry_at"] is not None

    # The retry comes due, and the queue has lost its deferred job (a restarted Redis, say): the
    # sweeper finds the text and it goes out, once.
    redis_sync.Redis.from_url(live.redis_url).flushdb()
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    await _enqueue(live, "sweep_chat_deliveries")
    await run_jobs(live, clock=lambda: later)
    assert wechat.messages == [{"touser": "o-late", "text": answer}]
    assert await db.fetchval("SELECT delivery FROM chat_messages WHERE id = $1", row["id"]) == "sent"

    # nothing sends it again: neither the sweeper nor a stray job for the same text
    await _enqueue(live, "sweep_chat_deliveries")
    await _enqueue(live, "deliver_chat_message", row["id"])
    await run_jobs(live, clock=lambda: later + timedelta(hours=1))
    assert len(wechat.messages) == 1 and len(wechat.calls(CUSTOM_SEND)) == 2


async def test_a_text_still_failing_after_ten_tries_is_marked_failed(settings, wechat, db):
    live = push_settings(settings, wechat)
    wechat.hang_up(CUSTOM_SEND, times=1)
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(text_xml("o-gone", "的哥上岗需要什么资格证？", 7102))
        assert (await push(client, query, body)).text == "success"
    await run_jobs(live)
    message_id = await db.fetchval("SELECT id FROM chat_messages WHERE sender = 'bot'")
    await db.execute("UPDATE chat_messages SET attempts = 9 WHERE id = $1", message_id)  # nine tries spent
    wechat.hang_up(CUSTOM_SEND, times=1)
    redis_sync.Redis.from_url(live.redis_url).flushdb()
    await _enqueue(live, "sweep_chat_deliveries")
    await run_jobs(live, clock=lambda: datetime.now(timezone.utc) + timedelta(hours=3))
    row = await db.fetchrow("SELECT delivery, attempts, error FROM chat_messages WHERE id = $1", message_id)
    assert (row["delivery"], row["attempts"]) == ("failed", 10) and "10 attempts" in row["error"]
    assert wechat.messages == []
