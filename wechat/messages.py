"""Sending WeChat messages through wechatpy, sandbox or live: mini-program subscribe messages
and official-account (公众号) template messages, and asking the official account who a follower is.

Synchronous like wechatpy: the delivery jobs call these in a worker thread. Each account has its
own shared access token (wechat/client.py: Redis, refreshed under a lock; 40001/42001 refresh
once and retry inside ``SharedTokenClient.call``); a mini-program token is no good for the
official account's API and the other way round.
"""

from __future__ import annotations

import functools
from typing import Any

import msgspec
from wechatpy.exceptions import WeChatClientException

from notify.sender import SendResult, Verdict
from notify.wechat_templates import registered_template_ids
from wechat.client import SharedTokenClient, is_unavailable, make_client

NO_AUTHORISATION = 43101  # the user's authorisation for this template is used up (or was never given)
# A value WeChat will not take for its field (a control character, too long, a bad time): ours
# to fix, and the person still needs the message, so it goes by SMS; the authorisation is not used.
BAD_DATA = 47003
PERMANENT = {40003, 40037, 41030, 43107, 48001}  # bad openid, template, page; api unauthorised
# Official account: the user has unfollowed (43004), blocked the account (43019), or the openid is
# not one of this account's (40003). Whoever it was, template messages no longer reach them.
NOT_FOLLOWING = {43004, 43019, 40003}
SANDBOX_OA_PREFIX = "sandbox-oa-"


class Follower(msgspec.Struct, frozen=True):
    """What the official account says of one of its openids (user/info)."""

    following: bool
    unionid: str | None = None


class SandboxMessages:
    """Sends nothing out. A follower ``sandbox-oa-<name>`` is the person whose sandbox login is
    ``dev-<name>`` (the same unionid), so the official-account route can be tried in dev."""

    name = "sandbox"

    def send_subscribe(self, *, openid: str, template_id: str, data: dict[str, Any], page: str) -> SendResult:
        return SendResult("accepted", "0", "sandbox")

    def send_template(self, *, openid: str, template_id: str, data: dict[str, Any], page: str) -> SendResult:
        return SendResult("accepted", "0", "sandbox")

    def follower(self, oa_openid: str) -> Follower:
        if oa_openid.startswith(SANDBOX_OA_PREFIX):
            return Follower(True, f"sandbox-union-{oa_openid[len(SANDBOX_OA_PREFIX):]}")
        return Follower(False)


def _failed(verdict: Verdict, errcode: int, errmsg: str) -> SendResult:
    return SendResult(verdict, str(errcode), errmsg)


def _verdict(exc: Exception) -> SendResult:
    """A failed send: WeChat's errcode decides between giving up, falling back and trying later."""
    if isinstance(exc, WeChatClientException):
        if exc.errcode == NO_AUTHORISATION:
            return _failed("no_authorisation", exc.errcode, exc.errmsg or "")
        if exc.errcode == BAD_DATA:
            return _failed("bad_data", exc.errcode, exc.errmsg or "")
        if exc.errcode in PERMANENT:
            return _failed("failed", exc.errcode, exc.errmsg or "")
        return _failed("retry", exc.errcode or -1, exc.errmsg or "")
    if is_unavailable(exc):  # network, HTTP 5xx, timeouts: WeChat is down, try again later
        return _failed("retry", -1, type(exc).__name__)
    raise exc


def _sent(res: Any) -> SendResult:
    msgid = res.get("msgid") if isinstance(res, dict) else None
    return SendResult("accepted", "0", "ok", ref=str(msgid) if msgid is not None else None)


class OfficialAccountMissing(Exception):
    """A template message is due but no official account is configured (ZSB_WECHAT_OA_APPID)."""


class LiveMessages:
    name = "live"

    def __init__(self, client: SharedTokenClient, oa_client: SharedTokenClient | None = None,
                 template_ids: dict[str, str] | None = None) -> None:
        self.client = client
        self.oa_client = oa_client
        # our subscribe template -> the id WeChat registered (ZSB_WECHAT_TEMPLATE_IDS)
        self.template_ids = template_ids or {}

    def send_subscribe(self, *, openid: str, template_id: str, data: dict[str, Any], page: str) -> SendResult:
        # wechatpy's send_subscribe_message has no miniprogram_state / lang (its issue #817): post the body.
        body = {"touser": openid, "template_id": self.template_ids.get(template_id, template_id), "page": page,
                "data": data,
                "miniprogram_state": "formal", "lang": "zh_CN"}
        post = functools.partial(self.client.wxa._post, "cgi-bin/message/subscribe/send", data=body)
        try:
            return _sent(self.client.call(post))
        except Exception as exc:  # sorted by _verdict; anything else is a bug and raises
            return _verdict(exc)

    def _oa(self) -> SharedTokenClient:
        if self.oa_client is None:
            raise OfficialAccountMissing()
        return self.oa_client

    def send_template(self, *, openid: str, template_id: str, data: dict[str, Any], page: str) -> SendResult:
        """An official-account template message that opens ``page`` of our mini-program."""
        oa = self._oa()
        send = functools.partial(oa.message.send_template, openid, template_id, data,
                                 mini_program={"appid": self.client.appid, "pagepath": page})
        try:
            return _sent(oa.call(send))
        except WeChatClientException as exc:
            if exc.errcode in NOT_FOLLOWING:
                return _failed("not_following", exc.errcode, exc.errmsg or "")
            return _verdict(exc)
        except Exception as exc:
            return _verdict(exc)

    def follower(self, oa_openid: str) -> Follower:
        """user/info: whether the openid still follows, and its unionid; raises when WeChat is down."""
        oa = self._oa()
        try:
            data = oa.call(oa.user.get, oa_openid)
        except WeChatClientException as exc:
            if exc.errcode in NOT_FOLLOWING:
                return Follower(False)
            raise
        return Follower(bool(data.get("subscribe")), data.get("unionid") or None)


def messages_for(settings: Any) -> SandboxMessages | LiveMessages:
    if settings.wechat_mode == "live":
        def client(appid: str, secret: str) -> SharedTokenClient:
            return make_client(appid=appid, secret=secret, api_base=settings.wechat_api_base,
                               redis_url=settings.redis_url, timeout=settings.wechat_timeout_seconds)

        return LiveMessages(client(settings.wechat_appid, settings.wechat_secret),
                            client(settings.wechat_oa_appid, settings.wechat_oa_secret)
                            if settings.wechat_oa_appid else None,
                            registered_template_ids(settings.wechat_template_ids))
    return SandboxMessages()
