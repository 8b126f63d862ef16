"""Issue 24: an unsure question on the domain is offered the top 3 in the chat ("您是不是想问")
instead of waiting for a person; sending one of them is answered at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.helpdesk import hours
from tests.factories import applicant

# No domain term, but 提交/办事/申请 are the knowledge base's words: maybe ours, so at most offered.
UNSURE_ON_DOMAIN = "网上提交的办事申请填错了还能改吗"


@pytest.fixture(autouse=True)
def agents_online(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(hours, "agents_online", lambda at: True)  # no office-hours notice in the way
    yield


async def test_the_chat_offers_the_top_three_when_unsure_and_answers_the_one_chosen(client, db):
    me = await applicant(client, "offer")
    res = await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": UNSURE_ON_DOMAIN})
    assert res.status_code == 201, res.text
    mine, offer = res.json()
    assert mine["sender"] == "user" and offer["sender"] == "bot" and offer["machine"] is True
    assert offer["text"].startswith("您是不是想问") and offer["faqEntryId"] is None
    assert "申请提交后还能修改吗？" in offer["text"] and offer["text"].count("\n") == 4
    # Not handed to a person: the conversation stays with the bot, nobody's queue grows.
    assert await db.fetchval("SELECT status FROM conversations WHERE user_id = $1", me["user"]["id"]) == "bot"

    res = await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": "申请提交后还能修改吗？"})
    assert res.status_code == 201, res.text
    _, answer = res.json()
    assert answer["faqEntryId"] == "F102" and not answer["text"].startswith("您是不是想问")
    assert await db.fetchval("SELECT status FROM conversations WHERE user_id = $1", me["user"]["id"]) == "bot"
