"""Signed (and, in safe mode, encrypted) pushes as WeChat sends them, built with wechatpy."""

from __future__ import annotations

import secrets
import time
from typing import Any

import msgspec
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "push-token-2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
APPID = "wx-test-app"


def push_settings(settings: Any, wechat: Any, *, safe_mode: bool = True) -> Any:
    """Live WeChat with our push token; safe mode (an AES key) unless ``safe_mode=False``."""
    from tests.conftest import live_settings

    return live_settings(settings, wechat, wechat_token=TOKEN, wechat_aes_key=AES_KEY if safe_mode else "")


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def text_xml(openid: str, content: str, msg_id: int, create_time: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def nonce() -> str:
    """WeChat's nonces are random digits, a fresh one for every push."""
    return str(secrets.randbelow(10**10))


def plain(body: str, *, token: str = TOKEN, timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
    """A plain-mode push: only token, timestamp and nonce are signed (not the body)."""
    ts, n = str(timestamp if timestamp is not None else int(time.time())), nonce()
    return {"signature": sign(token, ts, n), "timestamp": ts, "nonce": n}, body.encode()


def encrypted(body: str, *, token: str = TOKEN, appid: str = APPID,
              timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
    ts, n = str(timestamp if timestamp is not None else int(time.time())), nonce()
    crypto = WeChatCrypto(token, AES_KEY, appid)
    wrapped = crypto.encrypt_message(body, n, ts)
    from defusedxml import ElementTree

    root = ElementTree.fromstring(wrapped)
    query = {"signature": sign(token, ts, n), "timestamp": ts, "nonce": n,
             "encrypt_type": "aes", "msg_signature": root.findtext("MsgSignature")}
    return query, wrapped.encode()


async def push(client: Any, query: dict[str, str], body: bytes, content_type: str = "text/xml") -> Any:
    return await client.post("/wechat/push", params=query, content=body, headers={"Content-Type": content_type})


def json_text(openid: str, content: str, msg_id: int) -> str:
    return msgspec.json.encode({"ToUserName": "gh_test", "FromUserName": openid, "CreateTime": int(time.time()),
                                "MsgType": "text", "Content": content, "MsgId": msg_id}).decode()
