"""Help-desk pages over HTTP: the queue, claim, FAQ suggestions, reply, transfer, resolve into the FAQ."""

from __future__ import annotations

import re

import pytest

from tests.console.helpers import account, post, sign_in, waiting_question
from tests.helpdesk.conftest import pin_to_working_hours
from tests.helpdesk.helpers import UNSURE


@pytest.fixture(autouse=True)
def during_working_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_to_working_hours(monkeypatch)  # the F140 notice would otherwise join these pages after hours


async def test_a_navigator_claims_answers_and_resolves_into_a_faq_entry(client, db):
    conv = await waiting_question(client, db)
    me = await account(db, phone="13900003001", roles=["helpdesk"], name="陈静")
    await sign_in(client, "13900003001")

    queue = await client.get("/console/helpdesk")
    assert queue.status_code == 200 and UNSURE in queue.text
    assert "孙*" in queue.text and "孙大伟" not in queue.text  # masked for staff
    assert 'data-live="/console/helpdesk/live"' in queue.text

    claimed = await post(client, f"/console/helpdesk/{conv}/claim?open=true")
    assert claimed.headers["hx-redirect"] == f"/console/helpdesk/{conv}"
    page = await client.get(f"/console/helpdesk/{conv}")
    assert "知识库推荐" in page.text and page.text.count("data-fill=") >= 1  # suggestions one tap away
    assert "137****5678" in page.text

    replied = await post(client, f"/console/helpdesk/{conv}/reply", {"text": "尾气复检合格即可，不影响经营许可。"})
    assert replied.status_code == 200 and "已回复" in replied.text
    row = await db.fetchrow("SELECT sender, agent_id, text FROM chat_messages WHERE conversation_id = $1 "
                            "ORDER BY id DESC LIMIT 1", conv)
    assert (row["sender"], row["agent_id"]) == ("agent", me) and row["text"].startswith("尾气复检")

    done = await post(client, f"/console/helpdesk/{conv}/resolve",
                      {"make_faq": "1", "question": "车辆年审尾气没过影响经营许可吗？", "answer": "尾气复检合格即可，不影响经营许可。"})
    assert done.status_code == 200 and "待管理员发布" in done.text
    conv_row = await db.fetchrow("SELECT status, faq_entry_id FROM conversations WHERE id = $1", conv)
    assert conv_row["status"] == "resolved" and conv_row["faq_entry_id"]


async def test_a_second_claim_shows_a_message_not_an_error_page(client, db):
    conv = await waiting_question(client, db)
    await account(db, phone="13900003002", roles=["helpdesk"])
    await sign_in(client, "13900003002")
    assert (await post(client, f"/console/helpdesk/{conv}/claim")).status_code == 200
    again = await post(client, f"/console/helpdesk/{conv}/claim")
    assert again.status_code == 409 and "已被其他导航员接待" in again.text
    assert again.headers["hx-retarget"] == "#flash"


async def test_a_conversation_is_transferred_to_a_colleague(client, db):
    conv = await waiting_question(client, db)
    await account(db, phone="13900003003", roles=["helpdesk"], name="甲")
    colleague = await account(db, phone="13900003004", roles=["helpdesk"], name="乙")
    await sign_in(client, "13900003003")
    page = (await post(client, f"/console/helpdesk/{conv}/claim")).text
    assert re.search(rf'<option value="{colleague}">乙</option>', page)
    moved = await post(client, f"/console/helpdesk/{conv}/transfer", {"agent_id": str(colleague)})
    assert moved.status_code == 200 and "已转交" in moved.text
    assert await db.fetchval("SELECT agent_id FROM conversations WHERE id = $1", conv) == colleague


async def test_an_empty_reply_is_a_400_and_writes_nothing(client, db):
    conv = await waiting_question(client, db)
    await account(db, phone="13900003005", roles=["helpdesk"])
    await sign_in(client, "13900003005")
    await post(client, f"/console/helpdesk/{conv}/claim")
    before = await db.fetchval("SELECT count(*) FROM chat_messages")
    res = await post(client, f"/console/helpdesk/{conv}/reply", {"text": ""})
    assert res.status_code == 400
    assert await db.fetchval("SELECT count(*) FROM chat_messages") == before
