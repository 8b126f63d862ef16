"""Issue 17 item 8: what a help-desk agent proposes for the FAQ waits for an admin to publish it."""

from __future__ import annotations

from api.faq.index import index_for
from tests.factories import applicant, staff

UNSURE = "我们新开的公司车辆年审的时候尾气没过，对经营许可有影响吗，要不要找人聊聊"
PLANTED = "网约车驾驶员证可以加急办理吗"


async def _claimed_conversation(client, db, text: str = UNSURE):
    citizen = await applicant(client, "asker")
    await client.post("/api/v1/chat/messages", headers=citizen["headers"], json={"text": text})
    agent = await staff(client, db, phone="13900007001", roles=["helpdesk"])
    conv = (await client.get("/api/v1/helpdesk/conversations", headers=agent["headers"])).json()[0]["id"]
    assert (await client.post(f"/api/v1/helpdesk/conversations/{conv}/claim", headers=agent["headers"])).status_code == 200
    return agent, conv


async def _ask(client, question: str) -> dict:
    res = await client.get("/api/v1/faq/ask", params={"q": question})
    assert res.status_code == 200, res.text
    return res.json()


async def test_an_agents_faq_proposal_is_a_draft_the_bot_never_answers_until_an_admin_publishes_it(client, db):
    index_for(client.app.state).poll_seconds = 0  # every question sees the newest knowledge base
    agent, conv = await _claimed_conversation(client, db)
    res = await client.post(f"/api/v1/helpdesk/conversations/{conv}/resolve", headers=agent["headers"], json={
        "faq": {"question": "网约车驾驶员证可以加急办理吗？",
                "answer": "可以加急：先转账500元到账户6222 0000 1234 5678，备注姓名即可当天出证。",
                "alternates": ["网约车驾驶员证加急", "网约车人证能不能加急"], "tags": ["网约车驾驶员证", "加急"]}})
    assert res.status_code == 200, res.text
    draft_id = res.json()["faqEntryId"]

    # The next citizen asks exactly that: the agent's unreviewed answer is nowhere in the reply.
    body = await _ask(client, PLANTED)
    assert all(m["id"] != draft_id for m in body["matches"])
    assert all("转账" not in m["answer"] for m in body["matches"])
    assert await db.fetchval("SELECT status FROM faq_entries WHERE id = $1", draft_id) == "draft"
    # nor in the public list, nor can it be voted on
    listed = (await client.get("/api/v1/faq", params={"q": "加急"})).json()
    assert all(e["id"] != draft_id for e in listed)

    admin = await staff(client, db, phone="13900007002", roles=["admin"])
    drafts = (await client.get("/api/v1/admin/faq", headers=admin["headers"], params={"status": "draft"})).json()
    assert [d["id"] for d in drafts] == [draft_id]
    # An agent cannot publish their own proposal.
    refused = await client.post(f"/api/v1/admin/faq/{draft_id}/publish", headers=agent["headers"])
    assert refused.status_code == 403
    # The admin corrects the answer, then publishes: from then on the bot answers with it.
    fixed = await client.patch(f"/api/v1/admin/faq/{draft_id}", headers=admin["headers"],
                               json={"answer": "网约车驾驶员证不设加急，也从不收取任何加急费用；请勿向任何账户转账。"})
    assert fixed.status_code == 200 and fixed.json()["status"] == "draft"
    published = await client.post(f"/api/v1/admin/faq/{draft_id}/publish", headers=admin["headers"])
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "active"
    after = await _ask(client, PLANTED)
    assert after["matches"][0]["id"] == draft_id and after["confident"] is True
    assert "请勿向任何账户转账" in after["matches"][0]["answer"]
    unknown = await client.post("/api/v1/admin/faq/F9999/publish", headers=admin["headers"])
    assert unknown.status_code == 404 and unknown.json()["code"] == "faq_entry_not_found"


async def test_a_similar_question_an_agent_attaches_is_matched_only_once_an_admin_publishes_it(client, db):
    index_for(client.app.state).poll_seconds = 0
    # A way of asking F041 (cancel a lorry's road transport certificate) that the entry does not hold.
    question = "拉货的车送去拆解厂了，手续上还要弄啥"
    before = await _ask(client, question)
    assert not (before["confident"] and before["matches"][0]["id"] == "F041")
    # (the conversation itself was about something else the bot was unsure of)
    agent, conv = await _claimed_conversation(client, db)
    res = await client.post(f"/api/v1/helpdesk/conversations/{conv}/resolve", headers=agent["headers"],
                            json={"similar": {"entryId": "F041", "question": question}})
    assert res.status_code == 200, res.text
    pending = await _ask(client, question)
    assert not (pending["confident"] and pending["matches"][0]["id"] == "F041")
    assert res.status_code == 200, res.text
    row = await db.fetchrow("SELECT alternates, proposed_alternates FROM faq_entries WHERE id = 'F041'")
    assert question not in row["alternates"] and row["proposed_alternates"] == [question]

    admin = await staff(client, db, phone="13900007003", roles=["admin"])
    entry = (await client.get("/api/v1/admin/faq", headers=admin["headers"], params={"q": "注销"})).json()
    assert next(e for e in entry if e["id"] == "F041")["proposedAlternates"] == [question]
    published = await client.post("/api/v1/admin/faq/F041/publish", headers=admin["headers"])
    assert published.status_code == 200
    assert question in published.json()["alternates"] and published.json()["proposedAlternates"] == []
    after = await _ask(client, question)
    assert after["matches"][0]["id"] == "F041" and after["confident"] is True


async def test_proposing_for_an_unknown_entry_is_a_404_and_leaves_the_conversation_open(client, db):
    agent, conv = await _claimed_conversation(client, db)
    res = await client.post(f"/api/v1/helpdesk/conversations/{conv}/resolve", headers=agent["headers"],
                            json={"similar": {"entryId": "F9999", "question": "随便问问的问题"}})
    assert res.status_code == 404 and res.json()["code"] == "faq_entry_not_found"
    assert await db.fetchval("SELECT status FROM conversations WHERE id = $1", conv) == "claimed"


async def test_an_admin_adds_a_similar_question_and_it_is_matched_at_once(client, db):
    index_for(client.app.state).poll_seconds = 0
    question = "拉货的车送去拆解厂了，手续上还要弄啥"
    before = await _ask(client, question)
    assert not (before["confident"] and before["matches"][0]["id"] == "F041")
    admin = await staff(client, db, phone="13900007004", roles=["admin"])
    entry = (await client.get("/api/v1/admin/faq", headers=admin["headers"], params={"q": "注销"})).json()
    alternates = next(e for e in entry if e["id"] == "F041")["alternates"]
    res = await client.patch("/api/v1/admin/faq/F041", headers=admin["headers"],
                             json={"alternates": [*alternates, question]})
    assert res.status_code == 200, res.text
    after = await _ask(client, question)
    assert after["matches"][0]["id"] == "F041" and after["confident"] is True
