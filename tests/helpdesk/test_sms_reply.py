"""Issue 25: once WeChat's 48-hour window has closed the agent answers by SMS (to the phone on the
account, at most 3 a consultation a day, kept in the record); replies written in the app reach the
user as a notification."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.conftest import live_sms_settings
from tests.factories import applicant, run_jobs, staff
from tests.helpdesk.helpers import claimed_wechat_conversation
from tests.wechat.pushes import push_settings

API = "/api/v1"


async def test_after_the_window_closes_the_agent_answers_by_sms_at_most_three_times_a_day(
        settings, wechat, fake_aliyun, db):
    live = live_sms_settings(push_settings(settings, wechat), fake_aliyun)
    async with AsyncTestClient(app=create_app(live)) as client:
        agent, conv = await claimed_wechat_conversation(client, db, live, openid="o-far", msg_id=9401)
        sms = f"{API}/helpdesk/conversations/{conv}/sms-reply"
        # the window is open: answer in WeChat, not by SMS
        early = await client.post(sms, headers=agent["headers"], json={"text": "您好"})
        assert early.status_code == 409 and early.json()["code"] == "sms_reply_not_needed"

        await db.execute("UPDATE conversations SET last_user_message_at = now() - interval '49 hours' WHERE id = $1",
                         conv)
        no_phone = await client.post(sms, headers=agent["headers"], json={"text": "您好"})
        assert no_phone.status_code == 409 and no_phone.json()["code"] == "sms_reply_no_phone"

        await db.execute("UPDATE users SET phone = '13855556666' WHERE openid = 'o-far'")
        sent = await client.post(sms, headers=agent["headers"], json={"text": "复检合格后即可配发运输证。"})
        assert sent.status_code == 201, sent.text
        assert sent.json()["via"] == "sms" and sent.json()["sender"] == "agent"
        await run_jobs(live)
        [message] = fake_aliyun.messages()
        assert message["phone"] == "13855556666" and "复检合格后即可配发运输证。" in message["params"].get("text", "")

        for n in range(2):
            assert (await client.post(sms, headers=agent["headers"], json={"text": f"补充{n}"})).status_code == 201
        fourth = await client.post(sms, headers=agent["headers"], json={"text": "再补充"})
        assert fourth.status_code == 429 and fourth.json()["code"] == "sms_reply_limit"
        detail = (await client.get(f"{API}/helpdesk/conversations/{conv}", headers=agent["headers"])).json()
    assert [m["via"] for m in detail["messages"] if m["sender"] == "agent"] == ["sms", "sms", "sms"]
    assert wechat.messages == []  # nothing tried through the closed window


async def test_an_sms_reply_is_only_for_the_agent_holding_the_conversation(settings, wechat, fake_aliyun, db):
    live = live_sms_settings(push_settings(settings, wechat), fake_aliyun)
    async with AsyncTestClient(app=create_app(live)) as client:
        _, conv = await claimed_wechat_conversation(client, db, live, openid="o-held", msg_id=9402)
        other = await staff(client, db, phone="13900002009", roles=["helpdesk"], name="导航员 王")
        await db.execute("UPDATE conversations SET last_user_message_at = now() - interval '49 hours' WHERE id = $1",
                         conv)
        res = await client.post(f"{API}/helpdesk/conversations/{conv}/sms-reply", headers=other["headers"],
                                json={"text": "您好"})
    assert res.status_code == 409 and res.json()["code"] == "conversation_not_yours"


async def test_a_reply_in_the_app_reaches_the_user_as_a_notification(client, db):
    me = await applicant(client, "appchat")
    agent = await staff(client, db, phone="13900002001", roles=["helpdesk"], name="导航员 陈静")
    assert (await client.post(f"{API}/chat/messages", json={"text": "人工"}, headers=me["headers"])).status_code == 201
    conv = (await client.get(f"{API}/helpdesk/conversations", headers=agent["headers"])).json()[0]["id"]
    assert (await client.post(f"{API}/helpdesk/conversations/{conv}/claim", headers=agent["headers"])).status_code == 200
    res = await client.post(f"{API}/helpdesk/conversations/{conv}/reply", headers=agent["headers"],
                            json={"text": "您好，请问要办理哪项业务？"})
    assert res.status_code == 201
    inbox = (await client.get(f"{API}/me/notifications", headers=me["headers"])).json()
    assert [(n["event"], n["text"]) for n in inbox["items"]] == [("helpdesk_reply", "客服回复：您好，请问要办理哪项业务？")]
