"""FAQ F098 "可在期限内通过客服申请延期一次" through the help desk: the agent holding a conversation
about a case in supplement grants the one extension for the user, who is told in the conversation."""

from __future__ import annotations

from datetime import date

from litestar.testing import AsyncTestClient

from api.app import create_app
from api.workdays import add_workdays
from tests.clock import Clock, sh
from tests.factories import applicant, run_jobs, staff, verify
from tests.helpdesk.helpers import HD, UNSURE, case_in_supplement, claimed_consultation, helpdesk_agent
from tests.wechat.pushes import encrypted, push, push_settings, text_xml

API = "/api/v1"
FIRST_DUE = date(2026, 7, 6)


def grant(client, agent, conv, reason="营业执照正在变更，原件要下周才能拿到"):
    return client.post(f"{HD}/conversations/{conv}/supplement-extension", headers=agent["headers"],
                       json={"reason": reason})


async def test_an_agent_grants_the_one_extension_for_the_user_and_tells_them(client, db):
    me = await applicant(client, "extend")
    app_id, public_no = await case_in_supplement(client, me)
    agent = await helpdesk_agent(client, db, "13900004001")
    conv = await claimed_consultation(client, db, me, agent)
    unlinked = await grant(client, agent, conv)
    assert unlinked.status_code == 409 and unlinked.json()["code"] == "conversation_case_not_linked"
    await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"], json={"publicNo": public_no})

    other = await helpdesk_agent(client, db, "13900004002", "导航员 乙")
    assert (await grant(client, other, conv)).json()["code"] == "conversation_not_yours"
    blank = await grant(client, agent, conv, reason="  ")
    assert blank.status_code == 400

    res = await grant(client, agent, conv)
    assert res.status_code == 201, res.text
    new_due = add_workdays(FIRST_DUE, 10)
    told = res.json()
    assert told["sender"] == "agent" and public_no in told["text"] and f"{new_due:%Y年%m月%d日}" in told["text"]
    assert await db.fetchval("SELECT supplement_due_on FROM applications WHERE id = $1", app_id) == new_due
    ext = await db.fetchrow("SELECT id, reason, requested_by FROM supplement_extensions WHERE application_id = $1",
                            app_id)
    assert ext["requested_by"] == me["user"]["id"] and "营业执照正在变更" in ext["reason"] and "客服" in ext["reason"]
    asked = await db.fetchrow("SELECT agent_id, conversation_id, reason FROM helpdesk_extension_requests "
                              "WHERE extension_id = $1", ext["id"])
    assert dict(asked) == {"agent_id": agent["user"]["id"], "conversation_id": conv,
                           "reason": "营业执照正在变更，原件要下周才能拿到"}
    history = (await client.get(f"{API}/chat/messages", headers=me["headers"])).json()
    assert history[-1]["id"] == told["id"]
    # the case's timeline names the agent who acted, and says it was asked through the help desk
    event = await db.fetchrow("SELECT actor_id, note, data FROM application_events WHERE application_id = $1 "
                              "AND data ? 'extensionId'", app_id)
    assert event["actor_id"] == agent["user"]["id"] and "在线客服" in event["note"]
    assert event["data"]["agentId"] == agent["user"]["id"]

    # once, whichever way it is asked: neither the agent nor the user gets a second one
    again = await grant(client, agent, conv)
    assert again.status_code == 409 and again.json()["code"] == "supplement_extension_used"
    own = await client.post(f"{API}/applications/{app_id}/supplement-extension", headers=me["headers"],
                            json={"reason": "还是来不及"})
    assert own.status_code == 409 and own.json()["code"] == "supplement_extension_used"
    assert await db.fetchval("SELECT count(*) FROM chat_messages WHERE conversation_id = $1 AND sender = 'agent'",
                             conv) == 1
    assert await db.fetchval("SELECT count(*) FROM helpdesk_extension_requests") == 1


async def test_past_the_deadline_the_agent_cannot_extend_either(client, db):
    me = await applicant(client, "toolate")
    app_id, public_no = await case_in_supplement(client, me)
    agent = await helpdesk_agent(client, db, "13900004003")
    conv = await claimed_consultation(client, db, me, agent)
    await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"], json={"publicNo": public_no})
    client.app.state.clock = Clock(sh("2026-07-07 09:00"))  # the day after the deadline
    res = await grant(client, agent, conv)
    assert res.status_code == 409 and res.json()["code"] == "supplement_deadline_passed", res.text
    assert await db.fetchval("SELECT supplement_due_on FROM applications WHERE id = $1", app_id) == FIRST_DUE
    assert await db.fetchval("SELECT count(*) FROM chat_messages WHERE sender = 'agent'") == 0


async def _wechat_case_conversation(client, db, live, name: str, msg_id: int, agent_phone: str):
    """A WeChat user (openid o-<name>) with a case in supplement asks by WeChat; an agent claims the
    conversation and links the case. Returns (me, application id, public number, agent, conversation)."""
    login = await client.post(f"{API}/auth/wechat", json={"code": f"wx-{name}"})
    me = await verify(client, login.json(), name)  # F088: filing a case needs a verified person
    app_id, public_no = await case_in_supplement(client, me)
    sent_at = int(client.app.state.clock().timestamp())  # pushed at the app's time, as WeChat would
    query, body = encrypted(text_xml(f"o-{name}", UNSURE, msg_id, create_time=sent_at), timestamp=sent_at)
    assert (await push(client, query, body)).text == "success"
    await run_jobs(live)
    agent = await staff(client, db, phone=agent_phone, roles=["helpdesk"], name="导航员 陈静")
    conv = await db.fetchval("SELECT id FROM conversations WHERE user_id = $1", me["user"]["id"])
    assert (await client.post(f"{HD}/conversations/{conv}/claim", headers=agent["headers"])).status_code == 200
    await client.put(f"{HD}/conversations/{conv}/case", headers=agent["headers"], json={"publicNo": public_no})
    return me, app_id, public_no, agent, conv


async def test_a_wechat_user_is_told_by_customer_service_message(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me, app_id, public_no, agent, conv = await _wechat_case_conversation(client, db, live, "wang", 8401,
                                                                             "13900004004")
        res = await grant(client, agent, conv)
        assert res.status_code == 201 and res.json()["delivery"] == "pending", res.text
        await run_jobs(live)
    assert [m["touser"] for m in wechat.messages] == ["o-wang"]
    assert public_no in wechat.messages[0]["text"]


async def test_with_wechats_reply_window_closed_the_grant_stands_and_a_notification_tells_the_user(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        me, app_id, public_no, agent, conv = await _wechat_case_conversation(client, db, live, "zhao", 8402,
                                                                             "13900004005")
        await db.execute("UPDATE conversations SET last_user_message_at = now() - interval '49 hours' WHERE id = $1",
                         conv)
        res = await grant(client, agent, conv)
        assert res.status_code == 201 and res.json()["delivery"] == "none", res.text
    assert await db.fetchval("SELECT supplement_due_on FROM applications WHERE id = $1", app_id) == \
        add_workdays(FIRST_DUE, 10)
    told = await db.fetch("SELECT channel, params->>'text' AS text FROM notifications "
                          "WHERE user_id = $1 AND event = 'helpdesk_reply'", me["user"]["id"])
    assert "inapp" in {r["channel"] for r in told} and all(public_no in r["text"] for r in told), told
    assert wechat.messages == []  # no customer-service message outside the window
