"""Official-account (公众号) template messages: followers from its pushes, linked by unionid
through user/info, sent with wechatpy to the fake WeChat, and SMS when a follower has left."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar.testing import AsyncTestClient

import notify
from api.app import create_app
from api.settings import Settings, SettingsError
from tests.conftest import live_settings, live_sms_settings
from tests.factories import applicant, run_jobs
from tests.fakes.wechat import OA_APPID
from tests.wechat.pushes import AES_KEY, encrypted, plain

OA_TOKEN = "oa-push-token-2026"
PHONE = "13855551111"


def _oa(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, wechat_oa_appid=OA_APPID, wechat_oa_secret="oa-secret",
                                   wechat_oa_token=OA_TOKEN, wechat_oa_aes_key=AES_KEY)


def _live(settings, wechat, fake_aliyun) -> Settings:
    return _oa(live_settings(live_sms_settings(settings, fake_aliyun), wechat))


@pytest.fixture
async def oa_client(settings) -> AsyncIterator[AsyncTestClient]:
    # env "dev": the sandbox outbox (read by the first test) exists only there (issue 17)
    dev = msgspec.structs.replace(_oa(settings), env="dev")
    async with AsyncTestClient(app=create_app(dev), timeout=30) as test_client:
        yield test_client


def _event(oa_openid: str, event: str, create_time: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_oa]]></ToUserName><FromUserName><![CDATA[{oa_openid}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


async def _push(client, body: str, *, safe_mode: bool = True, token: str = OA_TOKEN):
    query, raw = encrypted(body, token=token, appid=OA_APPID) if safe_mode else plain(body, token=token)
    return await client.post("/wechat/oa-push", params=query, content=raw, headers={"Content-Type": "text/xml"})


async def _follower(client, db, wechat, name: str, *, at: int | None = None) -> dict:
    """A user of the mini-program (sandbox login: unionid sandbox-union-<name>) who follows the account."""
    me = await applicant(client, name)
    await db.execute("UPDATE users SET phone = $2 WHERE id = $1", me["user"]["id"], PHONE)
    wechat.followers[f"oa-{name}"] = f"sandbox-union-{name}"
    res = await _push(client, _event(f"oa-{name}", "subscribe", at or int(time.time())))
    assert res.status_code == 200 and res.text == "success", res.text
    return me


async def _notify(db, user_id: int, key: str, event: str = "application_submitted", **params) -> list[int]:
    async with db.transaction():
        return await notify.enqueue(db, user_id=user_id, event=event, dedupe_key=key, subject=("application", 7),
                                    params={"serviceName": "道路普通货物运输经营许可", "publicNo": "WZ-20261202-000007",
                                            "result": "准予许可", "reason": "详情请在“我的办件”中查看。", **params})


async def test_a_follower_is_linked_by_unionid_and_gets_template_messages_instead_of_sms(
        oa_client, db, settings, wechat, fake_aliyun):
    me = await _follower(oa_client, db, wechat, "oa1")
    row = await db.fetchrow("SELECT following, unionid FROM wechat_followers WHERE oa_openid = 'oa-oa1'")
    assert row["following"] and row["unionid"] is None  # linked by a job, not inside WeChat's 5 seconds

    await run_jobs(_live(settings, wechat, fake_aliyun))  # the link job the push queued asks user/info
    assert await db.fetchval("SELECT unionid FROM wechat_followers WHERE oa_openid = 'oa-oa1'") == "sandbox-union-oa1"

    await _notify(db, me["user"]["id"], "accepted:oa1")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    [sent] = wechat.template_sent  # the fake takes only the official account's own token (48001 otherwise)
    assert sent["touser"] == "oa-oa1" and sent["template_id"] == "oa-tmpl-progress"
    assert sent["miniprogram"] == {"appid": "wx-test-app", "pagepath": "pages/applications/detail?no=WZ-20261202-000007"}
    assert sent["data"]["thing1"]["value"] == "道路普通货物运输经营许可"
    assert sent["data"]["phrase3"]["value"] == "已提交"
    assert fake_aliyun.messages() == [] and wechat.subscribe_sent == []
    row = await db.fetchrow("SELECT status, provider_ref, content FROM notifications "
                            "WHERE dedupe_key = 'accepted:oa1' AND channel = 'wechat_oa'")
    assert row["status"] == "sent" and row["provider_ref"] and "已提交" in row["content"]
    outbox = (await oa_client.get("/dev/outbox.json")).json()["items"]
    assert [(m["channel"], m["to"]) for m in outbox] == [("wechat_oa", "oa-oa1")]


async def test_a_subscribe_authorisation_comes_first_and_results_also_go_by_sms(
        oa_client, db, settings, wechat, fake_aliyun):
    me = await _follower(oa_client, db, wechat, "oa2")
    res = await oa_client.post("/api/v1/me/subscriptions", json={"templateIds": ["tmpl-progress"]},
                               headers=me["headers"])
    assert res.status_code == 200, res.text
    live = _live(settings, wechat, fake_aliyun)
    await run_jobs(live)

    await _notify(db, me["user"]["id"], "accepted:oa2")  # the authorisation is used
    await _notify(db, me["user"]["id"], "accepted:oa2:again")  # none left: the official account
    await _notify(db, me["user"]["id"], "result:oa2", event="approval_result")  # results: WeChat and SMS
    await _notify(db, me["user"]["id"], "result:oa2", event="approval_result")  # a repeat writes nothing
    await run_jobs(live)
    assert [m["template_id"] for m in wechat.subscribe_sent] == ["tmpl-progress"]
    assert [m["template_id"] for m in wechat.template_sent] == ["oa-tmpl-progress", "oa-tmpl-result"]
    assert [m["template"] for m in fake_aliyun.messages(PHONE)] == ["SMS_480010006"]
    channels = await db.fetch("SELECT dedupe_key, channel FROM notifications WHERE channel <> 'inapp' ORDER BY id")
    assert [(r["dedupe_key"], r["channel"]) for r in channels] == [
        ("accepted:oa2", "wechat"), ("accepted:oa2:again", "wechat_oa"), ("result:oa2", "wechat_oa"),
        ("result:oa2", "sms")]


async def test_unfollowing_sends_the_next_message_by_sms_and_a_late_older_follow_changes_nothing(
        oa_client, db, settings, wechat, fake_aliyun):
    now = int(time.time())
    me = await _follower(oa_client, db, wechat, "oa3", at=now - 60)
    live = _live(settings, wechat, fake_aliyun)
    await run_jobs(live)
    res = await _push(oa_client, _event("oa-oa3", "unsubscribe", now))
    assert res.status_code == 200
    res = await _push(oa_client, _event("oa-oa3", "subscribe", now - 60))  # WeChat's retry of the old follow
    assert res.status_code == 200
    assert await db.fetchval("SELECT following FROM wechat_followers WHERE oa_openid = 'oa-oa3'") is False

    await _notify(db, me["user"]["id"], "accepted:oa3")
    await run_jobs(live)
    assert wechat.template_sent == []
    assert [m["template"] for m in fake_aliyun.messages(PHONE)] == ["SMS_480010002"]


async def test_a_follower_wechat_says_has_left_gets_the_message_by_sms(oa_client, db, settings, wechat, fake_aliyun):
    me = await _follower(oa_client, db, wechat, "oa4")
    live = _live(settings, wechat, fake_aliyun)
    await run_jobs(live)
    del wechat.followers["oa-oa4"]  # unfollowed, and that push never reached us: WeChat answers 43004
    await _notify(db, me["user"]["id"], "accepted:oa4")
    await run_jobs(live)
    assert wechat.template_sent == []
    [sms] = fake_aliyun.messages(PHONE)
    assert sms["template"] == "SMS_480010002"
    row = await db.fetchrow("SELECT status, provider_status FROM notifications "
                            "WHERE dedupe_key = 'accepted:oa4' AND channel = 'wechat_oa'")
    assert (row["status"], row["provider_status"]) == ("failed", "43004")
    assert await db.fetchval("SELECT following FROM wechat_followers WHERE oa_openid = 'oa-oa4'") is False
    await _notify(db, me["user"]["id"], "accepted:oa4:again")  # straight to SMS now
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE channel = 'wechat_oa'") == 1


async def test_a_template_the_account_refuses_still_reaches_the_person_by_sms(
        oa_client, db, settings, wechat, fake_aliyun):
    me = await _follower(oa_client, db, wechat, "oa5")
    live = _live(settings, wechat, fake_aliyun)
    await run_jobs(live)
    wechat.template_errcode = 40037  # a template id the account does not have: ours to fix
    await _notify(db, me["user"]["id"], "accepted:oa5")
    await run_jobs(live)
    assert [m["template"] for m in fake_aliyun.messages(PHONE)] == ["SMS_480010002"]
    assert await db.fetchval("SELECT following FROM wechat_followers WHERE oa_openid = 'oa-oa5'") is True


async def test_a_cancelled_message_is_not_sent_and_gives_back_no_authorisation(
        oa_client, db, settings, wechat, fake_aliyun):
    me = await _follower(oa_client, db, wechat, "oa6")
    live = _live(settings, wechat, fake_aliyun)
    await run_jobs(live)
    await _notify(db, me["user"]["id"], "accepted:oa6")
    assert await db.fetchval("SELECT channel FROM notifications WHERE channel <> 'inapp'") == "wechat_oa"
    async with db.transaction():
        assert await notify.cancel_pending(db, subject=("application", 7)) == 1
    await run_jobs(live)
    assert wechat.template_sent == [] and fake_aliyun.messages() == []
    assert await db.fetchval("SELECT count(*) FROM wechat_subscriptions") == 0


async def test_a_follower_user_info_says_has_gone_is_not_routed_to(oa_client, db, settings, wechat, fake_aliyun):
    me = await applicant(oa_client, "oa7")
    await db.execute("UPDATE users SET phone = $2 WHERE id = $1", me["user"]["id"], PHONE)
    res = await _push(oa_client, _event("oa-oa7", "subscribe", int(time.time())))  # not in the fake's followers
    assert res.status_code == 200
    await run_jobs(_live(settings, wechat, fake_aliyun))
    row = await db.fetchrow("SELECT following, unionid, looked_up_at FROM wechat_followers WHERE oa_openid = 'oa-oa7'")
    assert row["following"] is False and row["unionid"] is None and row["looked_up_at"] is not None


async def test_official_account_pushes_must_be_signed_with_its_own_token(oa_client, client, db):
    res = await _push(oa_client, _event("oa-x", "subscribe", int(time.time())), safe_mode=False, token="wrong")
    assert res.status_code == 403 and res.json()["code"] == "wechat_push_signature_invalid"
    # without an official account configured every push is refused: no follower is ever recorded
    res = await _push(client, _event("oa-x", "subscribe", int(time.time())), safe_mode=False, token="")
    assert res.status_code == 403
    res = await _push(oa_client, "<xml><FromUserName>oa-x</FromUserName>", safe_mode=False)
    assert res.status_code == 400 and res.json()["code"] == "wechat_push_malformed"
    text = ("<xml><ToUserName>gh_oa</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>text</MsgType><Content>你好</Content><MsgId>77</MsgId></xml>")
    assert (await _push(oa_client, text)).text == "success"  # not ours to answer
    assert await db.fetchval("SELECT count(*) FROM wechat_followers") == 0
    query, _ = plain("", token=OA_TOKEN)
    res = await oa_client.get("/wechat/oa-push", params={**query, "echostr": "echo-oa"})
    assert res.status_code == 200 and res.text == "echo-oa"


def test_an_official_account_needs_its_secret_and_push_token():
    with pytest.raises(SettingsError, match="ZSB_WECHAT_OA_SECRET"):
        Settings(wechat_mode="live", wechat_appid="wx1", wechat_secret="s", wechat_oa_appid="wx2").checked()
    with pytest.raises(SettingsError, match="ZSB_WECHAT_OA_TOKEN"):
        Settings(wechat_mode="live", wechat_appid="wx1", wechat_secret="s", wechat_oa_appid="wx2",
                 wechat_oa_secret="s2").checked()
