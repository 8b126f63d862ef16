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
    WechatMediaGone,
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


class ContentVerdict(msgspec.Struct, frozen=True):
    """msgSecCheck 2.0's answer: ``suggest`` pass | review | risky, and its main label (100 = normal)."""

    suggest: str
    label: int = 100
    trace_id: str | None = None

    @property
    def held(self) -> bool:
        return self.suggest != "pass"


# msgSecCheck 2.0 scenes: 1 资料, 2 评论, 3 论坛, 4 社交日志
SCENE_PROFILE, SCENE_COMMENT, SCENE_FORUM, SCENE_SOCIAL = 1, 2, 3, 4
# The sandbox's rule (dev and demo): a text with this marker is risky, one with 待复核 needs review.
SANDBOX_RISKY = "【违规测试】"
SANDBOX_REVIEW = "【待复核测试】"
MAX_MEDIA_BYTES = 10 * 1024 * 1024  # WeChat's own limit for an image; voices are far smaller


class WeChatGateway(Protocol):
    async def code2session(self, code: str) -> WxSession: ...

    async def phone_number(self, code: str) -> str: ...

    async def url_link(self, path: str, query: str, *, days: int) -> str: ...

    async def msg_sec_check(self, openid: str, text: str, *, scene: int) -> ContentVerdict: ...

    async def download_media(self, media_id: str) -> tuple[bytes, str]: ...


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

    async def msg_sec_check(self, openid: str, text: str, *, scene: int) -> ContentVerdict:
        if SANDBOX_RISKY in text:
            return ContentVerdict("risky", 20001, "sandbox")
        if SANDBOX_REVIEW in text:
            return ContentVerdict("review", 20006, "sandbox")
        return ContentVerdict("pass", 100, "sandbox")

    async def download_media(self, media_id: str) -> tuple[bytes, str]:
        raise WechatMediaGone()  # the sandbox receives no pushes, so holds no media


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

    async def msg_sec_check(self, openid: str, text: str, *, scene: int) -> ContentVerdict:
        """msgSecCheck 2.0 (``wxa/msg_sec_check``, version 2): the author's openid (who must have used
        the mini-program within 2 hours) and the scene. wechatpy's check_text_security is version 1."""
        body = {"content": text, "version": 2, "scene": scene, "openid": openid}
        post = functools.partial(self.client.wxa._post, "wxa/msg_sec_check", data=body)
        try:
            data = await anyio.to_thread.run_sync(lambda: self.client.call(post))
        except WeChatClientException as exc:
            if exc.errcode == 87014:  # version 1's "risky content", still sent by some accounts
                return ContentVerdict("risky", 0)
            if exc.errcode in (40003, 61010):  # openid unknown, or not in the mini-program for 2 hours:
                return ContentVerdict("review", 0)  # unchecked is not passed; a person decides
            _raise_for(exc, WechatUnavailable)
        except Exception as exc:
            _raise_for(exc, WechatUnavailable)
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(result, dict) or result.get("suggest") not in ("pass", "review", "risky"):
            raise WechatUnavailable()
        return ContentVerdict(result["suggest"], int(result.get("label", 100)), data.get("trace_id"))

    async def download_media(self, media_id: str) -> tuple[bytes, str]:
        """A user's image or voice (temporary media, ``media/get``): its bytes and WeChat's content type.
        WeChat answers JSON instead of a file for a media id it no longer keeps (40007, after 3 days)."""
        def fetch() -> tuple[bytes, str]:
            res = self.client.call(self.client.media.download, media_id)
            if isinstance(res, dict):  # JSON without an errcode: not a file either
                raise WechatMediaGone()
            if len(res.content) > MAX_MEDIA_BYTES:
                raise WechatMediaGone()
            return res.content, res.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()

        try:
            return await anyio.to_thread.run_sync(fetch)
        except WechatMediaGone:
            raise
        except WeChatClientException as exc:
            if exc.errcode == 40007:  # invalid media_id: expired or never ours
                raise WechatMediaGone() from None
            _raise_for(exc, WechatUnavailable)
        except Exception as exc:
            _raise_for(exc, WechatUnavailable)
        raise WechatUnavailable()


def gateway_for(settings: Any) -> WeChatGateway:
    if settings.wechat_mode == "live":
        return LiveWeChat(make_client(appid=settings.wechat_appid, secret=settings.wechat_secret,
                                      api_base=settings.wechat_api_base, redis_url=settings.redis_url,
                                      timeout=settings.wechat_timeout_seconds))
    return SandboxWeChat()
