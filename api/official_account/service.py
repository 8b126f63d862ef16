"""The official account's (公众号) message push: its address check, and follow/unfollow events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notify import followers
from wechat import push as wxpush


async def verify_oa_push_url(redis: Any, query: dict[str, str], settings: Any, *, now: datetime) -> str:
    """The official account's check of its push address: the echostr to answer."""
    return await wxpush.verify_url(redis, query, account="oa", token=settings.wechat_oa_token, now=now,
                                   window=settings.wechat_push_window_seconds)


async def receive_oa_push(conn: Any, redis: Any, body: bytes, query: dict[str, str], settings: Any, *,
                          now: datetime) -> None:
    """A signed, fresh, first-seen push of the official account. With no official account
    configured (no token) every push is refused as unsigned, so no follower is ever recorded."""
    msg = await wxpush.read_trusted(redis, body, query, account="oa", token=settings.wechat_oa_token,
                                    aes_key=settings.wechat_oa_aes_key, appid=settings.wechat_oa_appid, now=now,
                                    window=settings.wechat_push_window_seconds)
    await followers.record_push(conn, msg, received_at=now)
