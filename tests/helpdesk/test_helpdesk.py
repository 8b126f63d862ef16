from __future__ import annotations

import httpx
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.factories import applicant, run_jobs
from tests.helpdesk.helpers import UNSURE, claimed_wechat_conversation, helpdesk_agent
from tests.helpdesk.ws import AsgiWebSocket
from tests.wechat.pushes import encrypted, push, push_settings, text_xml


async def test_an_unsure_wechat_question_waits_and_a_connected_agent_sees_it_arrive(settings, wechat, db):
    live = push_settings(settings, wechat)
    # The app's lifespan runs on this test's loop (AsyncTestClient runs it on another thread's loop,
    # where the socket's staff-session check could not use the app's database pool).
    app = create_app(live)
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                 base_url="http://testserver", timeout=30) as client:
        agent = await helpdesk_agent(client, db)
        socket = AsgiWebSocket(app, "/api/v1/helpdesk/live", agent["headers"])
        assert (await socket.connect())["type"] == "websocket.accept"
        assert (await socket.receive_json())["type"] == "hello"
        query, body = encrypted(text_xml("o-sun", "今天会不会下雨", 8001))
        assert (await push(client, query, body)).text == "success"
        await run_jobs(live)
        event = await socket.receive_json()
        await socket.close()
        assert event["type"] == "waiting" and event["text"] == "今天会不会下雨"
        waiting = (await client.get("/api/v1/helpdesk/conversations", params={"status": "waiting"},
                                    headers=agent["headers"])).json()
    assert [c["id"] for c in waiting] == [event["conversation_id"]]
    assert waiting[0]["channel"] == "wechat" and len(waiting[0]["suggestions"]) == 3
    assert wechat.messages == []  # nothing was guessed at the user
    assert await db.fetchval("SELECT count(*) FROM faq_handoffs WHERE source = 'wechat'") == 1


async def test_citizens_cannot_listen_to_the_helpdesk_channel(client):
    citizen = await applicant(client, "nosy")
    socket = AsgiWebSocket(client.app, "/api/v1/helpdesk/live", citizen["headers"])
    first = await socket.connect()
    assert first["type"] == "websocket.close"


async def test_in_app_chat_gets_a_machine_answer_marked_as_such(client, db):
    me = await applicant(client, "chat")
    res = await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": "的哥上岗需要什么资格证？"})
    assert res.status_code == 201, res.text
    user_msg, answer = res.json()
    assert user_msg["sender"] == "user" and answer["sender"] == "bot" and answer["machine"] is True
    assert answer["faqEntryId"] == "F001" and answer["delivery"] == "none"
    mine = (await client.get("/api/v1/chat/messages", headers=me["headers"])).json()
    assert [m["sender"] for m in mine] == ["user", "bot"]
    bad = await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": ""})
    assert bad.status_code == 400
    assert await db.fetchval("SELECT count(*) FROM chat_messages") == 2


async def test_two_agents_claim_at_once_and_only_one_gets_it(client, db):
    me = await applicant(client, "race")
    await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": UNSURE})
    a = await helpdesk_agent(client, db, "13900002002", "导航员 甲")
    b = await helpdesk_agent(client, db, "13900002003", "导航员 乙")
    conv = (await client.get("/api/v1/helpdesk/conversations", headers=a["headers"])).json()[0]["id"]
    first = await client.post(f"/api/v1/helpdesk/conversations/{conv}/claim", headers=a["headers"])
    second = await client.post(f"/api/v1/helpdesk/conversations/{conv}/claim", headers=b["headers"])
    assert first.status_code == 200 and first.json()["status"] == "claimed"
    assert second.status_code == 409 and second.json()["code"] == "conversation_taken"
    stolen = await client.post(f"/api/v1/helpdesk/conversations/{conv}/reply", headers=b["headers"], json={"text": "你好"})
    assert stolen.status_code == 409 and stolen.json()["code"] == "conversation_not_yours"
    mine = (await client.get("/api/v1/helpdesk/conversations", params={"status": "mine"}, headers=a["headers"])).json()
    assert [c["id"] for c in mine] == [conv]
    moved = await client.post(f"/api/v1/helpdesk/conversations/{conv}/transfer", headers=a["headers"],
                              json={"agentId": b["user"]["id"]})
    assert moved.status_code == 200 and moved.json()["agentId"] == b["user"]["id"]
    to_citizen = await client.post(f"/api/v1/helpdesk/conversations/{conv}/transfer", headers=b["headers"],
                                   json={"agentId": me["user"]["id"]})
    assert to_citizen.status_code == 409
    assert (await client.get("/api/v1/helpdesk/conversations", headers=me["headers"])).status_code == 403


async def test_an_agent_reply_goes_out_as_a_wechat_customer_service_message(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        agent, conv = await claimed_wechat_conversation(client, db, live)
        res = await client.post(f"/api/v1/helpdesk/conversations/{conv}/reply", headers=agent["headers"],
                                json={"text": "尾气不合格不影响经营许可，复检合格后即可配发运输证。"})
        assert res.status_code == 201 and res.json()["delivery"] == "pending"
        await run_jobs(live)
        detail = (await client.get(f"/api/v1/helpdesk/conversations/{conv}", headers=agent["headers"])).json()
    assert wechat.messages == [{"touser": "o-li", "text": "尾气不合格不影响经营许可，复检合格后即可配发运输证。"}]
    assert [m["sender"] for m in detail["messages"]] == ["user", "agent"]
    assert detail["messages"][1]["delivery"] == "sent" and detail["repliesLeft"] == 4


async def test_a_reply_after_48_hours_is_409_and_suggests_sms(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        agent, conv = await claimed_wechat_conversation(client, db, live)
        await db.execute("UPDATE conversations SET last_user_message_at = now() - interval '48 hours 1 minute' "
                         "WHERE id = $1", conv)
        res = await client.post(f"/api/v1/helpdesk/conversations/{conv}/reply", headers=agent["headers"],
                                json={"text": "您好，还在吗？"})
    assert res.status_code == 409
    body = res.json()
    assert body["code"] == "wechat_reply_window_closed" and body["suggestion"] == "sms"
    assert "短信" in body["title"]
    assert await db.fetchval("SELECT count(*) FROM chat_messages WHERE sender = 'agent'") == 0


async def test_the_sixth_reply_within_the_window_is_refused(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        agent, conv = await claimed_wechat_conversation(client, db, live)
        codes = [(await client.post(f"/api/v1/helpdesk/conversations/{conv}/reply", headers=agent["headers"],
                                    json={"text": f"第{i}条回复"})).status_code for i in range(1, 7)]
    assert codes == [201] * 5 + [409]


async def test_wechat_refusing_a_reply_marks_it_failed_not_sent(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        agent, conv = await claimed_wechat_conversation(client, db, live)
        wechat.custom_send_errcode = 45015
        await client.post(f"/api/v1/helpdesk/conversations/{conv}/reply", headers=agent["headers"],
                          json={"text": "您好"})
        await run_jobs(live)
    row = await db.fetchrow("SELECT delivery, error FROM chat_messages WHERE sender = 'agent'")
    assert row["delivery"] == "failed" and row["error"] == "window_closed:45015"


async def test_resolving_turns_the_question_into_a_draft_faq_entry_in_one_step(client, db):
    me = await applicant(client, "resolve")
    await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": UNSURE})
    agent = await helpdesk_agent(client, db)
    conv = (await client.get("/api/v1/helpdesk/conversations", headers=agent["headers"])).json()[0]["id"]
    await client.post(f"/api/v1/helpdesk/conversations/{conv}/claim", headers=agent["headers"])
    res = await client.post(f"/api/v1/helpdesk/conversations/{conv}/resolve", headers=agent["headers"], json={
        "faq": {"question": "车辆尾气检测没通过会影响经营许可吗？",
                "answer": "不影响已取得的经营许可；车辆复检合格后即可配发道路运输证。",
                "alternates": ["年审尾气没过对许可证有影响吗"]}})
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "resolved" and res.json()["faqEntryId"].startswith("F1")
    entry = await db.fetchrow("SELECT source, status FROM faq_entries WHERE id = $1", res.json()["faqEntryId"])
    assert dict(entry) == {"source": "helpdesk", "status": "draft"}  # an admin publishes it
    again = await client.post(f"/api/v1/helpdesk/conversations/{conv}/resolve", headers=agent["headers"])
    assert again.status_code == 409 and again.json()["code"] == "conversation_resolved"
    # a new message after resolution opens a new conversation
    await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": UNSURE})
    assert await db.fetchval("SELECT count(*) FROM conversations WHERE user_id = $1", me["user"]["id"]) == 2


async def test_every_consultation_is_kept_and_searchable_with_personal_data_masked(client, db):
    me = await applicant(client, "search")
    await db.execute("UPDATE users SET name = '王小明', phone = '13812345678' WHERE id = $1", me["user"]["id"])
    await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": UNSURE})
    agent = await helpdesk_agent(client, db)
    found = (await client.get("/api/v1/helpdesk/conversations", params={"status": "all", "q": "尾气"},
                              headers=agent["headers"])).json()
    none = (await client.get("/api/v1/helpdesk/conversations", params={"status": "all", "q": "船舶"},
                             headers=agent["headers"])).json()
    assert len(found) == 1 and none == []
    assert found[0]["userName"] == "王**" and found[0]["userPhone"] == "138****5678"
    canned = (await client.get("/api/v1/helpdesk/canned", params={"q": "网约车运输证收费吗"},
                               headers=agent["headers"])).json()
    assert canned["matches"] and canned["matches"][0]["answer"]


async def test_typing_ren_gong_goes_straight_to_a_person_as_the_faq_promises(client, db):
    me = await applicant(client, "human")
    res = await client.post("/api/v1/chat/messages", headers=me["headers"], json={"text": "转人工！"})
    assert res.status_code == 201 and [m["sender"] for m in res.json()] == ["user"]
    assert await db.fetchval("SELECT status FROM conversations WHERE user_id = $1", me["user"]["id"]) == "waiting"
