"""Customer-service messages (客服消息): texts back to a user who wrote to us on WeChat.

WeChat accepts them only within 48 hours of the user's last message and at most 5 per such
message (errcodes 45015 and 45047). We count both ourselves (``conversations``) so an agent
learns it before typing; these errcodes are the backstop when our count and WeChat's differ.
Synchronous wechatpy runs in a worker thread; callers hold no database connection meanwhile.
"""

from __future__ import annotations

import functools
from typing import Any

import anyio.to_thread
import structlog
from wechatpy.exceptions import WeChatClientException

from wechat.client import SharedTokenClient, is_unavailable, make_client
from wechat.errors import WechatReplyWindowClosed, WechatUnavailable

log = structlog.get_logger("zsb.wechat.cs")

WINDOW_CLOSED = {45015, 45047}


@functools.lru_cache(maxsize=8)
def _client(appid: str, secret: str, api_base: str, redis_url: str, timeout: float) -> SharedTokenClient:
    return make_client(appid=appid, secret=secret, api_base=api_base, redis_url=redis_url, timeout=timeout)


def client_for(settings: Any) -> SharedTokenClient:
    return _client(settings.wechat_appid, settings.wechat_secret, settings.wechat_api_base,
                   settings.redis_url or "", settings.wechat_timeout_seconds)


async def send_text(settings: Any, openid: str, text: str) -> str:
    """Send one text; returns "sent" (live) or "sandbox" (nothing leaves the machine).

    Raises WechatReplyWindowClosed (45015/45047) or WechatUnavailable (anything else)."""
    if settings.wechat_mode != "live":
        log.info("wechat_cs_sandbox", openid=openid, chars=len(text))
        return "sandbox"
    client = client_for(settings)
    try:
        await anyio.to_thread.run_sync(lambda: client.call(client.message.send_text, openid, text))
    except WeChatClientException as exc:
        if exc.errcode in WINDOW_CLOSED:
            raise WechatReplyWindowClosed(errcode=exc.errcode) from None
        log.warning("wechat_cs_failed", errcode=exc.errcode, errmsg=exc.errmsg)
        raise WechatUnavailable() from None
    except Exception as exc:
        if is_unavailable(exc):
            raise WechatUnavailable() from None
        raise
    return "sent"
