"""Signed (and, in safe mode, encrypted) pushes as WeChat sends them, built with wechatpy."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "push-token-2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
APPID = "wx-test-app"


def push_settings(settings: Any, wechat: Any) -> Any:
    from tests.conftest import live_settings

    return live_settings(settings, wechat, wechat_token=TOKEN, wechat_aes_key=AES_KEY)


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def text_xml(openid: str, content: str, msg_id: int, create_time: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def plain(body: str, *, token: str = TOKEN) -> tuple[dict[str, str], bytes]:
    timestamp, nonce = str(int(time.time())), "nonce123"
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}, body.encode()


def encrypted(body: str, *, token: str = TOKEN, appid: str = APPID) -> tuple[dict[str, str], bytes]:
    timestamp, nonce = str(int(time.time())), "nonce456"
    crypto = WeChatCrypto(token, AES_KEY, appid)
    wrapped = crypto.encrypt_message(body, nonce, timestamp)
    from defusedxml import ElementTree

    root = ElementTree.fromstring(wrapped)
    query = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
             "encrypt_type": "aes", "msg_signature": root.findtext("MsgSignature")}
    return query, wrapped.encode()


async def push(client: Any, query: dict[str, str], body: bytes, content_type: str = "text/xml") -> Any:
    return await client.post("/wechat/push", params=query, content=body, headers={"Content-Type": content_type})


def json_text(openid: str, content: str, msg_id: int) -> str:
    return msgspec.json.encode({"ToUserName": "gh_test", "FromUserName": openid, "CreateTime": int(time.time()),
                                "MsgType": "text", "Content": content, "MsgId": msg_id}).decode()
