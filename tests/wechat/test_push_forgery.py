"""Forged WeChat pushes (issue 17, item 3), performed through the push routes.

Plain mode signs only token, timestamp and nonce, so a signed query string from a proxy log is
all an attacker needs to try. Each test replays what the attack did and checks it is refused
and leaves nothing behind, while WeChat's own pushes still get through.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import msgspec
from arq import create_pool
from litestar.testing import AsyncTestClient

from api.app import create_app
from jobs import redis_settings
from tests.fakes.wechat import OA_APPID
from tests.factories import run_jobs
from tests.wechat.pushes import AES_KEY, TOKEN, encrypted, plain, push, push_settings, sign, text_xml

OA_TOKEN = "oa-push-token-2026"
YEAR_2020 = int(datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc).timestamp())
YEAR_2100 = int(datetime(2100, 1, 1, tzinfo=timezone.utc).timestamp())


def _change_event(openid: str, template_id: str, status: str, create_time: int) -> str:
    return (f"<xml><ToUserName>gh_test</ToUserName><FromUserName>{openid}</FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType>event</MsgType>"
            f"<Event>subscribe_msg_change_event</Event><SubscribeMsgChangeEvent><List>"
            f"<TemplateId>{template_id}</TemplateId><SubscribeStatusString>{status}</SubscribeStatusString>"
            f"</List></SubscribeMsgChangeEvent></xml>")


def _follow_event(oa_openid: str, event: str, create_time: int) -> str:
    return (f"<xml><ToUserName>gh_oa</ToUserName><FromUserName>{oa_openid}</FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType>event</MsgType><Event>{event}</Event></xml>")


async def _victim(db, openid: str) -> int:
    """A WeChat user who allowed one progress message."""
    user_id = await db.fetchval("INSERT INTO users (openid) VALUES ($1) RETURNING id", openid)
    await db.execute("INSERT INTO wechat_subscriptions (user_id, template_id, remaining, accepted_total) "
                     "VALUES ($1, 'tmpl-progress', 1, 1)", user_id)
    return user_id


async def test_a_signed_url_from_2020_is_refused_on_both_push_routes(settings, wechat, db):
    live = msgspec.structs.replace(push_settings(settings, wechat, safe_mode=False), wechat_oa_appid=OA_APPID,
                                   wechat_oa_secret="oa-secret", wechat_oa_token=OA_TOKEN)
    await _victim(db, "o-victim")
    async with AsyncTestClient(app=create_app(live)) as client:
        query, text = plain(text_xml("o-victim", "我要投诉你们", 5001), timestamp=YEAR_2020)
        forged_text = await push(client, query, text)
        query, change = plain(_change_event("o-victim", "tmpl-progress", "reject", YEAR_2020), timestamp=YEAR_2020)
        forged_change = await push(client, query, change)
        query, follow = plain(_follow_event("oa-victim", "unsubscribe", YEAR_2020), token=OA_TOKEN,
                              timestamp=YEAR_2020)
        forged_follow = await client.post("/wechat/oa-push", params=query, content=follow)
        stale_checks = [await client.get(path, params={**plain("", token=token, timestamp=YEAR_2020)[0],
                                                       "echostr": "echo"})
                        for path, token in (("/wechat/push", TOKEN), ("/wechat/oa-push", OA_TOKEN))]
        # the window is read from the app's clock: by a clock in May 2020 the same URL was fresh
        client.app.state.clock = lambda: datetime.fromtimestamp(YEAR_2020 + 30, timezone.utc)
        then = await client.get("/wechat/push", params={**plain("", timestamp=YEAR_2020)[0], "echostr": "echo"})
    for res in (forged_text, forged_change, forged_follow, *stale_checks):
        assert res.status_code == 403 and res.json()["code"] == "wechat_push_stale", res.text
    assert then.status_code == 200 and then.text == "echo"
    await run_jobs(live)
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0
    assert await db.fetchval("SELECT count(*) FROM chat_messages") == 0
    assert await db.fetchval("SELECT count(*) FROM wechat_followers") == 0
    sub = await db.fetchrow("SELECT remaining, rejected_at FROM wechat_subscriptions")
    assert sub["remaining"] == 1 and sub["rejected_at"] is None


async def test_a_fresh_signed_url_replayed_with_another_body_is_refused(settings, wechat, db):
    live = msgspec.structs.replace(push_settings(settings, wechat, safe_mode=False), wechat_oa_appid=OA_APPID,
                                   wechat_oa_secret="oa-secret", wechat_oa_token=OA_TOKEN)
    await _victim(db, "o-victim")
    async with AsyncTestClient(app=create_app(live)) as client:
        query, follow = plain(_follow_event("oa-victim", "subscribe", int(time.time())), token=OA_TOKEN)
        followed = await client.post("/wechat/oa-push", params=query, content=follow)
        unfollow = await client.post("/wechat/oa-push", params=query,
                                     content=_follow_event("oa-victim", "unsubscribe", int(time.time()) + 1).encode())
        query, genuine = plain(text_xml("o-victim", "你好", 5101))
        first = await push(client, query, genuine)
        retry = await push(client, query, genuine)  # WeChat's own retry: the very same request
        forged = await push(client, query, _change_event("o-victim", "tmpl-progress", "reject",
                                                         int(time.time())).encode())
        forged_text = await push(client, query, text_xml("o-victim", "伪造的消息", 5102).encode())
        echo = {**plain("")[0], "echostr": "echo-1"}
        checks = [await client.get("/wechat/push", params=echo),
                  await client.get("/wechat/push", params=echo),
                  await client.get("/wechat/push", params={**echo, "echostr": "echo-2"})]
    assert first.status_code == retry.status_code == followed.status_code == 200
    assert unfollow.status_code == 403 and unfollow.json()["code"] == "wechat_push_replayed"
    assert await db.fetchval("SELECT following FROM wechat_followers WHERE oa_openid = 'oa-victim'") is True
    for res in (forged, forged_text):
        assert res.status_code == 403 and res.json()["code"] == "wechat_push_replayed", res.text
    assert [c.status_code for c in checks] == [200, 200, 403]
    assert checks[2].json()["code"] == "wechat_push_replayed"
    await run_jobs(live)
    assert [r["dedupe_key"] for r in await db.fetch("SELECT dedupe_key FROM wechat_pushes")] == ["msg:5101"]
    assert await db.fetchval("SELECT array_agg(text) FROM chat_messages WHERE sender = 'user'") == ["你好"]
    assert await db.fetchval("SELECT rejected_at FROM wechat_subscriptions") is None


async def test_with_an_aes_key_set_only_safe_mode_envelopes_are_taken(settings, wechat, db):
    live = push_settings(settings, wechat)
    await _victim(db, "o-victim")
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = plain(text_xml("o-victim", "伪造的消息", 5201))  # signed, fresh, but not encrypted
        refused = await push(client, query, body)
        query, body = plain(_change_event("o-victim", "tmpl-progress", "reject", int(time.time())))
        refused_change = await push(client, query, body)
        # compatible mode carries plaintext beside the ciphertext: only what was encrypted counts
        query, wrapped = encrypted(text_xml("o-victim", "真的消息", 5202))
        mixed = wrapped.replace(b"</xml>", b"<FromUserName>o-other</FromUserName><Content>forged</Content></xml>")
        taken = await push(client, query, mixed)
    for res in (refused, refused_change):
        assert res.status_code == 403 and res.json()["code"] == "wechat_push_not_encrypted", res.text
    assert taken.status_code == 200, taken.text
    await run_jobs(live)
    assert await db.fetchval("SELECT array_agg(openid) FROM wechat_pushes") == ["o-victim"]
    assert await db.fetchval("SELECT array_agg(text) FROM chat_messages WHERE sender = 'user'") == ["真的消息"]
    assert await db.fetchval("SELECT rejected_at FROM wechat_subscriptions") is None


async def test_an_unsubscribe_dated_2100_is_refused_and_later_follows_still_count(settings, wechat, db):
    oa = msgspec.structs.replace(settings, wechat_oa_appid=OA_APPID, wechat_oa_secret="oa-secret",
                                 wechat_oa_token=OA_TOKEN, wechat_oa_aes_key=AES_KEY)

    async def oa_push(client, body: str):
        query, raw = encrypted(body, token=OA_TOKEN, appid=OA_APPID)
        return await client.post("/wechat/oa-push", params=query, content=raw)

    now = int(time.time())
    async with AsyncTestClient(app=create_app(oa)) as client:
        assert (await oa_push(client, _follow_event("oa-a", "subscribe", now - 600))).status_code == 200
        future = await oa_push(client, _follow_event("oa-a", "unsubscribe", YEAR_2100))
        assert (await oa_push(client, _follow_event("oa-a", "subscribe", now))).status_code == 200
        # a few minutes ahead (a skewed clock) is taken, but counts as its arrival time
        client.app.state.clock = lambda: datetime.fromtimestamp(now, timezone.utc)
        assert (await oa_push(client, _follow_event("oa-b", "unsubscribe", now + 240))).status_code == 200
        client.app.state.clock = lambda: datetime.fromtimestamp(now + 60, timezone.utc)
        assert (await oa_push(client, _follow_event("oa-b", "subscribe", now + 60))).status_code == 200
    assert future.status_code == 400 and future.json()["code"] == "wechat_push_future_event", future.text
    rows = await db.fetch("SELECT oa_openid, following, changed_at FROM wechat_followers ORDER BY oa_openid")
    assert [(r["oa_openid"], r["following"]) for r in rows] == [("oa-a", True), ("oa-b", True)]
    assert rows[1]["changed_at"] == datetime.fromtimestamp(now + 60, timezone.utc)


async def test_a_signed_push_with_a_list_for_content_is_400_and_never_reaches_the_job(settings, wechat, db):
    live = push_settings(settings, wechat, safe_mode=False)
    odd = msgspec.json.encode({"ToUserName": "gh_test", "FromUserName": "o-odd", "CreateTime": int(time.time()),
                               "MsgType": "text", "Content": ["a"], "MsgId": 5301}).decode()
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = plain(odd)
        res = await push(client, query, body, "application/json")
        query, body = plain(odd.replace('["a"]', '{"x": 1}').replace("5301", "5302"))
        res2 = await push(client, query, body, "application/json")
        query, body = plain(odd.replace('["a"]', "[" * 30000 + "]" * 30000).replace("5301", "5303"))
        res3 = await push(client, query, body, "application/json")  # nested deep enough to break json
    for r in (res, res2, res3):
        assert r.status_code == 400 and r.json()["code"] == "wechat_push_malformed", r.text
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0

    # one stored before pushes were typed at the edge: the job sets it aside instead of crashing
    push_id = await db.fetchval("INSERT INTO wechat_pushes (dedupe_key, openid, msg_type, payload) "
                                "VALUES ('msg:5300', 'o-odd', 'text', $1) RETURNING id", msgspec.json.decode(odd))
    arq = await create_pool(redis_settings(live.redis_url or ""))
    await arq.enqueue_job("process_wechat_push", push_id)
    await arq.aclose()
    await run_jobs(live)
    row = await db.fetchrow("SELECT processed_at, error FROM wechat_pushes")
    assert row["processed_at"] is not None and row["error"].startswith("unreadable")
    assert await db.fetchval("SELECT count(*) FROM chat_messages") == 0


def test_the_push_helpers_sign_as_wechat_documents():
    # the example of WeChat's push documentation (token AAAAA)
    assert sign("AAAAA", "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
