"""Sending WeChat subscribe messages (mini-program) through wechatpy, sandbox or live.

Synchronous like wechatpy: the delivery job calls ``send_subscribe`` in a worker thread. The
live sender reuses the shared access token of wechat/client.py (Redis, refreshed under a lock;
40001/42001 refresh once and retry inside ``SharedTokenClient.call``).
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import msgspec
from wechatpy.exceptions import WeChatClientException

from wechat.client import SharedTokenClient, is_unavailable, make_client

Verdict = Literal["sent", "failed", "retry", "no_authorisation"]

NO_AUTHORISATION = 43101  # the user's authorisation for this template is used up (or was never given)
PERMANENT = {40003, 47003, 40037, 41030, 43107}  # bad openid, bad data, bad template, bad page, ...


class WxSendResult(msgspec.Struct, frozen=True):
    verdict: Verdict
    errcode: int = 0
    errmsg: str = ""
    msgid: str | None = None


class SandboxMessages:
    name = "sandbox"

    def send_subscribe(self, *, openid: str, template_id: str, data: dict[str, Any], page: str) -> WxSendResult:
        return WxSendResult("sent", 0, "sandbox")


class LiveMessages:
    name = "live"

    def __init__(self, client: SharedTokenClient) -> None:
        self.client = client

    def send_subscribe(self, *, openid: str, template_id: str, data: dict[str, Any], page: str) -> WxSendResult:
        # wechatpy's send_subscribe_message has no miniprogram_state / lang (its issue #817): post the body.
        body = {"touser": openid, "template_id": template_id, "page": page, "data": data,
                "miniprogram_state": "formal", "lang": "zh_CN"}
        post = functools.partial(self.client.wxa._post, "cgi-bin/message/subscribe/send", data=body)
        try:
            res = self.client.call(post)
        except WeChatClientException as exc:
            if exc.errcode == NO_AUTHORISATION:
                return WxSendResult("no_authorisation", exc.errcode, exc.errmsg or "")
            if exc.errcode in PERMANENT:
                return WxSendResult("failed", exc.errcode, exc.errmsg or "")
            return WxSendResult("retry", exc.errcode or -1, exc.errmsg or "")
        except Exception as exc:  # network, HTTP 5xx, timeouts: WeChat is down, try again later
            if is_unavailable(exc):
                return WxSendResult("retry", -1, type(exc).__name__)
            raise
        msgid = res.get("msgid") if isinstance(res, dict) else None
        return WxSendResult("sent", 0, "ok", msgid=str(msgid) if msgid is not None else None)


def messages_for(settings: Any) -> SandboxMessages | LiveMessages:
    if settings.wechat_mode == "live":
        return LiveMessages(make_client(appid=settings.wechat_appid, secret=settings.wechat_secret,
                                        api_base=settings.wechat_api_base, redis_url=settings.redis_url,
                                        timeout=settings.wechat_timeout_seconds))
    return SandboxMessages()
