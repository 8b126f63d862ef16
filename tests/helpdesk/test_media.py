"""Issue 25: an image or voice a user pushes through WeChat is fetched through the media API in a
job, stored like an upload, and reaches the agent as a file (not "[图片]")."""

from __future__ import annotations

import time

from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.factories import bearer, run_jobs, staff
from tests.samples import JPG
from tests.wechat.pushes import encrypted, push, push_settings

API = "/api/v1"


def media_xml(openid: str, kind: str, media_id: str, msg_id: int) -> str:
    extra = (f"<PicUrl><![CDATA[http://mmbiz.qpic.cn/{media_id}]]></PicUrl>" if kind == "image"
             else "<Format><![CDATA[amr]]></Format>")
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{extra}"
            f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{msg_id}</MsgId></xml>")


async def _messages(client, agent) -> list[dict]:
    found = []
    for conv in (await client.get(f"{API}/helpdesk/conversations", params={"status": "all"},
                                  headers=agent["headers"])).json():
        found += (await client.get(f"{API}/helpdesk/conversations/{conv['id']}", headers=agent["headers"])).json()["messages"]
    return found


async def test_a_pushed_image_reaches_the_agent_as_a_file(settings, wechat, db):
    live = push_settings(settings, wechat)
    wechat.media["MEDIA-PIC-1"] = (JPG, "image/jpeg")
    wechat.media["MEDIA-VOICE-1"] = (b"#!AMR\n" + b"\x00" * 64, "voice/amr")
    async with AsyncTestClient(app=create_app(live)) as client:
        for kind, media_id, msg_id in (("image", "MEDIA-PIC-1", 9501), ("voice", "MEDIA-VOICE-1", 9502)):
            query, body = encrypted(media_xml("o-pic", kind, media_id, msg_id))
            assert (await push(client, query, body)).text == "success"
        await run_jobs(live)
        agent = await staff(client, db, phone="13900002001", roles=["helpdesk"], name="导航员 陈静")
        # the two pushes' jobs may run in either order
        user_messages = sorted((m for m in await _messages(client, agent) if m["sender"] == "user"),
                               key=lambda m: m["mediaKind"])
        assert [(m["mediaKind"], m["mediaStatus"]) for m in user_messages] == [("image", "stored"), ("voice", "stored")]
        picture = await client.get(user_messages[0]["mediaUrl"], headers=agent["headers"])
        assert picture.status_code == 200 and picture.content == JPG
        assert picture.headers["content-type"].startswith("image/jpeg")
        assert picture.headers["x-content-type-options"] == "nosniff"
        voice = await client.get(user_messages[1]["mediaUrl"], headers=agent["headers"])
        assert voice.status_code == 200 and voice.headers["content-type"].startswith("audio/amr")
        # a citizen cannot open what other people sent the help desk
        citizen = (await client.post(f"{API}/auth/wechat", json={"code": "wx-nosy"})).json()
        assert (await client.get(user_messages[0]["mediaUrl"], headers=bearer(citizen["accessToken"]))).status_code == 403
    assert await db.fetchval("SELECT count(*) FROM chat_messages WHERE media_status = 'stored'") == 2


async def test_media_wechat_no_longer_keeps_is_marked_failed(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        query, body = encrypted(media_xml("o-old", "image", "MEDIA-EXPIRED", 9503))
        assert (await push(client, query, body)).text == "success"
        await run_jobs(live)
        agent = await staff(client, db, phone="13900002001", roles=["helpdesk"], name="导航员 陈静")
        [mine] = [m for m in await _messages(client, agent) if m["sender"] == "user"]
        assert mine["mediaStatus"] == "failed" and mine["mediaUrl"] is None and mine["text"] == "[图片]"
        missing = await client.get(f"{API}/helpdesk/messages/{mine['id']}/media", headers=agent["headers"])
    assert missing.status_code == 404 and missing.json()["code"] == "chat_media_not_found"
