"""What the product asks of WeChat, in sandbox and live flavours.

The live gateway runs wechatpy in a worker thread; the sandbox accepts login codes
``dev-<name>`` and phone codes ``dev-<11-digit phone>`` and talks to nobody.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any, Protocol

import anyio.to_thread
import msgspec
import structlog
from wechatpy.exceptions import WeChatClientException

from wechat.client import SharedTokenClient, is_unavailable, make_client
from wechat.errors import (
    WechatCodeInvalid,
    WechatPhoneCodeInvalid,
    WechatTooFrequent,
    WechatUnavailable,
    WechatUserRisky,
)

log = structlog.get_logger("zsb.wechat")

CODE_INVALID = {40029, 40163, 40125}
SANDBOX_CODE = re.compile(r"^dev-([A-Za-z0-9_.-]{1,40})$")
SANDBOX_PHONE = re.compile(r"^dev-(1[3-9]\d{9})$")


class WxSession(msgspec.Struct, frozen=True):
    openid: str
    unionid: str | None = None


class WeChatGateway(Protocol):
    async def code2session(self, code: str) -> WxSession: ...

    async def phone_number(self, code: str) -> str: ...

    async def url_link(self, path: str, query: str, *, days: int) -> str: ...


class SandboxWeChat:
    """Sends nothing out: deterministic identities for development and demos."""

    async def code2session(self, code: str) -> WxSession:
        match = SANDBOX_CODE.match(code)
        if not match:
            raise WechatCodeInvalid()
        # the unionid the sandbox official account gives follower sandbox-oa-<name> (wechat/messages.py)
        return WxSession(openid=f"sandbox-{match.group(1)}", unionid=f"sandbox-union-{match.group(1)}")

    async def phone_number(self, code: str) -> str:
        match = SANDBOX_PHONE.match(code)
        if not match:
            raise WechatPhoneCodeInvalid()
        return match.group(1)

    async def url_link(self, path: str, query: str, *, days: int) -> str:
        # Shaped like WeChat's links, stable per page and query; it opens nothing.
        digest = hashlib.sha256(f"{path}?{query}".encode()).hexdigest()[:16]
        return f"https://wxaurl.cn/sandbox-{digest}"


def _raise_for(exc: Exception, invalid: type[Exception]) -> None:
    if is_unavailable(exc):
        log.warning("wechat_unavailable", error=type(exc).__name__)
        raise WechatUnavailable() from None
    if isinstance(exc, WeChatClientException):
        if exc.errcode in CODE_INVALID:
            raise invalid() from None
        if exc.errcode == 45011:
            raise WechatTooFrequent() from None
        if exc.errcode == 40226:
            raise WechatUserRisky() from None
        log.error("wechat_error", errcode=exc.errcode, errmsg=exc.errmsg)
        raise WechatUnavailable() from None
    raise exc


class LiveWeChat:
    def __init__(self, client: SharedTokenClient) -> None:
        self.client = client

    async def _run(self, fn: Any, *args: Any, invalid: type[Exception]) -> Any:
        try:
            return await anyio.to_thread.run_sync(lambda: self.client.call(fn, *args))
        except Exception as exc:  # translate SDK failures into our errors
            _raise_for(exc, invalid)

    async def code2session(self, code: str) -> WxSession:
        data = await self._run(self.client.wxa.code_to_session, code, invalid=WechatCodeInvalid)
        if not isinstance(data, dict) or not data.get("openid"):
            raise WechatUnavailable()
        return WxSession(openid=data["openid"], unionid=data.get("unionid"))

    async def phone_number(self, code: str) -> str:
        # wechatpy 1.8 has no wrapper for getuserphonenumber: post the body through the client.
        post = functools.partial(self.client.wxa._post, "wxa/business/getuserphonenumber", data={"code": code})
        data = await self._run(post, invalid=WechatPhoneCodeInvalid)
        info = data.get("phone_info") if isinstance(data, dict) else None
        phone = (info or {}).get("purePhoneNumber")
        if not phone:
            raise WechatPhoneCodeInvalid()
        return phone

    async def url_link(self, path: str, query: str, *, days: int) -> str:
        """A URL Link (``urllink.generate``) that opens ``path?query`` of the released mini-program from
        WeChat's browser, valid ``days`` (WeChat allows at most 30). wechatpy 1.8 has no wrapper."""
        body = {"path": path, "query": query, "expire_type": 1, "expire_interval": days, "env_version": "release"}
        post = functools.partial(self.client.wxa._post, "wxa/generate_urllink", data=body)
        data = await self._run(post, invalid=WechatUnavailable)
        link = data.get("url_link") if isinstance(data, dict) else None
        if not link:
            raise WechatUnavailable()
        return link


def gateway_for(settings: Any) -> WeChatGateway:
    if settings.wechat_mode == "live":
        return LiveWeChat(make_client(appid=settings.wechat_appid, secret=settings.wechat_secret,
                                      api_base=settings.wechat_api_base, redis_url=settings.redis_url,
                                      timeout=settings.wechat_timeout_seconds))
    return SandboxWeChat()
