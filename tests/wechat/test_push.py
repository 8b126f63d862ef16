from __future__ import annotations

import time

from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.factories import run_jobs
from tests.wechat.pushes import (
    TOKEN,
    encrypted,
    json_text,
    plain,
    push,
    push_settings,
    sign,
    text_xml,
)


async def test_url_verification_echoes_echostr_only_with_a_good_signature(settings, wechat):
    async with AsyncTestClient(app=create_app(push_settings(settings, wechat))) as client:
        ts, nonce = str(int(time.time())), "n1"
        ok = await client.get("/wechat/push", params={"signature": sign(TOKEN, ts, nonce), "timestamp": ts,
                                                       "nonce": nonce, "echostr": "echo-42"})
        bad = await client.get("/wechat/push", params={"signature": "0" * 40, "timestamp": ts, "nonce": nonce,
                                                        "echostr": "echo-42"})
    assert ok.status_code == 200 and ok.text == "echo-42"
    assert bad.status_code == 403 and bad.json()["code"] == "wechat_push_signature_invalid"


async def test_a_push_with_a_bad_signature_is_403_and_nothing_is_stored(settings, wechat, db):
    async with AsyncTestClient(app=create_app(push_settings(settings, wechat))) as client:
        query, body = plain(text_xml("o-mallory", "你好", 9001), token="not-our-token")
        res = await push(client, query, body)
        query, body = encrypted(text_xml("o-mallory", "你好", 9002))
        query["msg_signature"] = "f" * 40  # the outer signature is right, the ciphertext's is not
        res2 = await push(client, query, body)
    assert res.status_code == 403 and res.json()["code"] == "wechat_push_signature_invalid"
    assert res2.status_code == 403
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0
    assert await db.fetchval("SELECT count(*) FROM chat_messages") == 0


async def test_the_same_msgid_pushed_three_times_is_one_message(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(text_xml("o-zhao", "今天会不会下雨", 7001))
        answers = [await push(client, query, body) for _ in range(3)]
    assert all(a.status_code == 200 and a.text == "success" for a in answers)
    await run_jobs(live)
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 1
    assert await db.fetchval("SELECT count(*) FROM chat_messages WHERE sender = 'user'") == 1
    assert await db.fetchval("SELECT processed_at IS NOT NULL FROM wechat_pushes") is True


async def test_a_confident_question_is_answered_at_once_through_wechat(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(text_xml("o-qian", "的哥上岗需要什么资格证？", 7002))
        assert (await push(client, query, body)).text == "success"
    await run_jobs(live)
    answer = await db.fetchval("SELECT answer FROM faq_entries WHERE id = 'F001'")
    assert wechat.messages == [{"touser": "o-qian", "text": answer}]
    row = await db.fetchrow("SELECT sender, delivery, faq_entry_id FROM chat_messages WHERE sender = 'bot'")
    assert dict(row) == {"sender": "bot", "delivery": "sent", "faq_entry_id": "F001"}
    assert await db.fetchval("SELECT status FROM conversations") == "bot"


async def test_json_pushes_in_plain_mode_are_accepted_too(settings, wechat, db):
    async with AsyncTestClient(app=create_app(push_settings(settings, wechat, safe_mode=False))) as client:
        query, body = plain(json_text("o-json", "在吗", 7003))
        res = await push(client, query, body, "application/json")
    assert res.status_code == 200 and res.text == "success"
    assert await db.fetchval("SELECT openid FROM wechat_pushes") == "o-json"


async def test_xml_with_entities_is_refused_and_nothing_is_stored(settings, wechat, db):
    evil = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<xml><FromUserName>o-x</FromUserName><MsgType>text</MsgType><Content>&x;</Content>'
            '<MsgId>1</MsgId><CreateTime>1</CreateTime></xml>')
    async with AsyncTestClient(app=create_app(push_settings(settings, wechat))) as client:
        query, body = plain(evil)
        res = await push(client, query, body)
        query, body = plain("not xml at all")
        garbage = await push(client, query, body)
    assert res.status_code == 400 and res.json()["code"] == "wechat_push_malformed"
    assert garbage.status_code == 400
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0


async def test_subscribe_popup_events_record_the_authorisations(settings, wechat, db):
    live = push_settings(settings, wechat)
    event = ("<xml><ToUserName>gh_test</ToUserName><FromUserName>o-sub</FromUserName><CreateTime>1700000000</CreateTime>"
             "<MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event><SubscribeMsgPopupEvent>"
             "<List><TemplateId>TPL-A</TemplateId><SubscribeStatusString>accept</SubscribeStatusString>"
             "<PopupScene>0</PopupScene></List><List><TemplateId>TPL-B</TemplateId>"
             "<SubscribeStatusString>reject</SubscribeStatusString><PopupScene>0</PopupScene></List>"
             "</SubscribeMsgPopupEvent></xml>")
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(event)
        assert (await push(client, query, body)).text == "success"
        assert (await push(client, query, body)).text == "success"  # a retry of the same event
    await run_jobs(live)
    rows = await db.fetch("SELECT s.template_id, s.remaining FROM wechat_subscriptions s JOIN users u ON u.id = s.user_id "
                          "WHERE u.openid = 'o-sub' ORDER BY s.template_id")
    accepted = {r["template_id"]: r["remaining"] for r in rows}
    assert accepted.get("TPL-A") == 1
    assert not accepted.get("TPL-B")
