"""Help-desk jobs: WeChat pushes answered or queued for a person, and texts sent back."""

from __future__ import annotations

from typing import Any

from arq import Retry

from api import clock
from api.db import transaction
from api.faq.index import index_for
from api.helpdesk import checks, media
from api.helpdesk.service import callbacks, inbox


async def process_wechat_push(ctx: dict[str, Any], push_id: int) -> str:
    """One stored push: into the user's conversation, answered by the FAQ or waiting for a person.
    Idempotent: the push row is claimed in the same transaction that acts on it. A text it writes
    for the user (the FAQ's answer, the F140 notice) is sent by its own ``deliver_chat_message``
    job, queued after commit, so a send that fails is retried on its own."""
    async with transaction(ctx["pool"]) as conn:
        written = await inbox.handle_push(conn, index_for(ctx), push_id, redis=ctx["redis"],
                                                  now=clock.local_now(ctx), wechat=ctx["wechat"])
    return f"{len(written)} messages"


async def fetch_chat_media(ctx: dict[str, Any], message_id: int) -> str:
    """A user's image or voice fetched from WeChat's media API and stored (api/helpdesk/media.py)."""
    fetched = await media.fetch(ctx["pool"], ctx["wechat"], ctx["settings"], message_id, redis=ctx["redis"])
    if fetched.outcome == "retry":
        raise Retry(defer=min(300, 15 * ctx.get("job_try", 1)))
    return fetched.outcome


async def check_chat_message(ctx: dict[str, Any], message_id: int) -> str:
    """WeChat's content check of one user text (api/helpdesk/checks.py); WeChat down -> retried."""
    checked = await checks.check_message(ctx["pool"], ctx["wechat"], message_id, redis=ctx["redis"])
    if checked.outcome == "retry":
        raise Retry(defer=min(300, 15 * ctx.get("job_try", 1)))
    return checked.outcome


async def deliver_chat_message(ctx: dict[str, Any], message_id: int) -> str:
    """Send one pending customer-service text; WeChat down or a timeout -> retried with backoff
    (the try is counted on the row, which gives up after the outbox's MAX_ATTEMPTS)."""
    delivery = await inbox.deliver(ctx["pool"], ctx["settings"], message_id, redis=ctx["redis"],
                                           now=clock.now(ctx))
    if delivery.outcome == "retry":
        raise Retry(defer=delivery.retry_in)
    return delivery.outcome


async def sweep_chat_deliveries(ctx: dict[str, Any]) -> int:
    """Texts still pending a minute after they were due (their job was lost) and claims of workers
    that died: queued again. The job id keeps a queued retry from being doubled; the row's claim
    keeps two jobs from both sending."""
    async with transaction(ctx["pool"]) as conn:
        ids = await inbox.deliveries_due(conn, now=clock.now(ctx))
    for message_id in ids:
        await ctx["redis"].enqueue_job("deliver_chat_message", message_id, _job_id=f"chatmsg:{message_id}")
    return len(ids)


async def sweep_chat_checks(ctx: dict[str, Any]) -> int:
    """Content checks and media fetches still pending a minute on (the queue lost their job): queued
    again under the same job ids, so a queued retry is not doubled; the rows' conditional updates
    keep a second run from acting twice."""
    async with transaction(ctx["pool"]) as conn:
        texts = await checks.due(conn, now=clock.now(ctx))
        files = await media.due(conn, now=clock.now(ctx))
    for message_id in texts:
        await ctx["redis"].enqueue_job("check_chat_message", message_id, _job_id=f"chatcheck:{message_id}")
    for message_id in files:
        await ctx["redis"].enqueue_job("fetch_chat_media", message_id, _job_id=f"chatmedia:{message_id}")
    return len(texts) + len(files)


async def sweep_wechat_pushes(ctx: dict[str, Any]) -> int:
    """Pushes stored but never processed (the queue lost the job): process them now."""
    async with transaction(ctx["pool"]) as conn:
        ids = await inbox.unprocessed_pushes(conn, older_than_seconds=60)
    for push_id in ids:
        await process_wechat_push(ctx, push_id)
    return len(ids)


async def escalate_overdue_callbacks(ctx: dict[str, Any]) -> int:
    """F141 callbacks past their due date reach the agent holding them and the leads, once."""
    async with transaction(ctx["pool"]) as conn:
        escalated = await callbacks.escalate_overdue_callbacks(conn, now=clock.now(ctx))
    return len(escalated)
