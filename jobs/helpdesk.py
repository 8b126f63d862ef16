"""Help-desk jobs: WeChat pushes answered or queued for a person, and texts sent back."""

from __future__ import annotations

from typing import Any

from arq import Retry

from api.db import transaction
from api.faq.index import index_for
from api.helpdesk import service_inbox
from wechat.errors import WechatUnavailable


async def process_wechat_push(ctx: dict[str, Any], push_id: int) -> str:
    """One stored push: into the user's conversation, answered by the FAQ or waiting for a person.
    Idempotent: the push row is claimed in the same transaction that acts on it."""
    async with transaction(ctx["pool"]) as conn:
        # ctx["helpdesk_clock"]: the tests' controllable clock for the F140 hours.
        clock = ctx.get("helpdesk_clock")
        written = await service_inbox.handle_push(conn, index_for(ctx), push_id, redis=ctx["redis"],
                                                  now=clock() if clock else None)
    for message in written:
        if message.delivery == "pending":  # the FAQ's answer or the F140 notice: send it now, not queued again
            await deliver_chat_message(ctx, message.id)
    return f"{len(written)} messages"


async def deliver_chat_message(ctx: dict[str, Any], message_id: int) -> str:
    """Send one pending customer-service text; WeChat down -> retry with backoff."""
    try:
        return await service_inbox.deliver(ctx["pool"], ctx["settings"], message_id, redis=ctx["redis"])
    except WechatUnavailable:
        raise Retry(defer=min(300, 5 * 2 ** ctx.get("job_try", 1))) from None


async def sweep_wechat_pushes(ctx: dict[str, Any]) -> int:
    """Pushes stored but never processed (the queue lost the job): process them now."""
    async with transaction(ctx["pool"]) as conn:
        ids = await service_inbox.unprocessed_pushes(conn, older_than_seconds=60)
    for push_id in ids:
        await process_wechat_push(ctx, push_id)
    return len(ids)


async def escalate_overdue_callbacks(ctx: dict[str, Any]) -> int:
    """F141 callbacks past their due date reach the agent holding them and the leads, once."""
    from datetime import datetime, timezone

    from api.helpdesk.service_callbacks import escalate_overdue_callbacks as escalate

    clock = ctx.get("helpdesk_clock")
    async with transaction(ctx["pool"]) as conn:
        escalated = await escalate(conn, now=clock() if clock else datetime.now(timezone.utc))
    return len(escalated)
