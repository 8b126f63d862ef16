"""Notification jobs: send outbox rows, sweep the outbox, poll SMS receipts, link official-account followers."""

from __future__ import annotations

from typing import Any

from notify import delivery, followers


async def send_notification(ctx: dict[str, Any], notification_id: int) -> str:
    """Idempotent: re-reads the row and does nothing unless it is still due."""
    return await delivery.send_notification(ctx, notification_id)


async def send_notification_batch(ctx: dict[str, Any], ids: list[int]) -> dict[str, int]:
    """The same for many rows at once: what fan-outs and the sweeper queue."""
    return await delivery.send_batch(ctx, ids)


async def sweep_outbox(ctx: dict[str, Any]) -> int:
    return await delivery.sweep(ctx)


async def poll_sms_receipts(ctx: dict[str, Any]) -> int:
    return await delivery.poll_receipts(ctx)


async def link_wechat_follower(ctx: dict[str, Any], oa_openid: str) -> int:
    """A new follower of the official account: its unionid from user/info joins it to a user."""
    return await followers.link(ctx, [oa_openid])


async def link_wechat_followers(ctx: dict[str, Any]) -> int:
    """Followers a lost or failed job left unlinked."""
    return await followers.link(ctx)
