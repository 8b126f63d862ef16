"""Sending outbox rows: re-read the row, let its channel send it, record the outcome.

The shape follows GOV.UK Notify's send_to_providers: the row is claimed in one short
transaction, the provider is called with no connection held (notify/channels.py), the outcome
is recorded in another. What Notify lacks we add: SendSms is not idempotent, so when an earlier
attempt may have reached Aliyun (a timeout, a worker killed mid-call) its channel looks for our
OutId with QuerySendDetails before sending again. That makes a SIGKILL at any point lose nothing
and send nothing twice. The functions taking ``ctx`` are the worker's jobs (jobs/worker.py).
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import msgspec
import structlog
from arq import Retry

from api import clock
from api.db import transaction
from notify import pause, store
from notify.channels import CHANNELS
from notify.pause import PAUSE_KEY  # noqa: F401  (tests/console read it here)
from notify.queue import queue_ids
# backoff and MAX_ATTEMPTS: the chat delivery (api/helpdesk) retries by the same rule
from notify.sender import FAILED, MAX_ATTEMPTS, Done, FallBack, Later, Outcome, backoff  # noqa: F401
from notify.templates import EVENTS
from notify.threads import in_thread

log = structlog.get_logger("zsb.notify")


# Set while a batch job runs: a row that must wait is queued again on its own (deferred) instead of
# retrying the whole batch job.
_IN_BATCH: ContextVar[Any] = ContextVar("in_batch", default=None)
# Set while a batch job runs: the outcomes of its sends, recorded together when all have answered
# (one statement instead of a transaction per message). A worker killed before that leaves the
# rows claimed; after the lease they are looked up by OutId before any resend, as after any crash.
_OUTCOMES: ContextVar[list[tuple[int, dict[str, Any]]] | None] = ContextVar("outcomes", default=None)


async def send_notification(ctx: dict[str, Any], notification_id: int) -> str:
    """Idempotent: re-reads the row and does nothing unless it is still due."""
    async with transaction(ctx["pool"]) as conn:
        row = await store.claim(conn, notification_id, lease_seconds=ctx.get("notify_lease_seconds", 60))
    if row is None:
        return "not_due"  # sent, cancelled, claimed by a live worker, or due later
    return await _process(ctx, row)


async def send_notification_batch(ctx: dict[str, Any], ids: list[int]) -> dict[str, int]:
    """The fan-out path (what fan-outs and the sweeper queue): one claim for many rows, their
    provider calls side by side."""
    async with transaction(ctx["pool"]) as conn:
        rows = await store.claim_many(conn, ids, lease_seconds=ctx.get("notify_lease_seconds", 60))
    _IN_BATCH.set(ctx["redis"])
    finished: list[tuple[int, dict[str, Any]]] = []
    _OUTCOMES.set(finished)
    try:
        async with pause.read_once(ctx["redis"], any(row["channel"] == "sms" for row in rows)):
            outcomes = await asyncio.gather(*(_process(ctx, row) for row in rows), return_exceptions=True)
    finally:
        _OUTCOMES.set(None)
        if finished:
            async with transaction(ctx["pool"]) as conn:
                await store.finish_many(conn, finished)
    counts: dict[str, int] = {}
    for row, outcome in zip(rows, outcomes):
        if isinstance(outcome, BaseException):
            # The row stays claimed; after the lease the sweeper queues it again, marked uncertain.
            log.error("notification_failed_unexpectedly", id=row["id"], error=repr(outcome))
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


async def _process(ctx: dict[str, Any], row: Any) -> str:
    pool = ctx["pool"]
    now = clock.now(ctx)
    spec = EVENTS.get(row["event"])
    if spec is None:
        return await _finish(pool, row, Done("failed", error="unknown event"))
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return await _finish(pool, row, Done("cancelled", error="expired"))
    sender = CHANNELS.get(row["channel"])
    if sender is None:  # in-app: written as sent
        return await _finish(pool, row, Done("sent"))
    return await _record(pool, row, await sender.send(ctx, row, spec, now), now)


async def _record(pool: Any, row: Any, outcome: Outcome, now: datetime) -> str:
    if isinstance(outcome, Done):
        return await _finish(pool, row, outcome)
    if isinstance(outcome, Later):
        return await _later(pool, row, outcome, now)
    return await _fall_back(pool, row, outcome)


async def _finish(pool: Any, row: Any, done: Done) -> str:
    outcome = msgspec.structs.asdict(done)
    batch = _OUTCOMES.get()
    if batch is not None:
        batch.append((row["id"], outcome))
    else:
        async with transaction(pool) as conn:
            await store.finish(conn, row["id"], **outcome)
    if done.status in ("failed", "temporary_failure"):
        FAILED.labels(row["channel"], done.error or "").inc()
    return done.status


async def _later(pool: Any, row: Any, later: Later, now: datetime) -> str:
    """Put the row back for later, or give up for good after MAX_ATTEMPTS."""
    if later.count_attempt and row["attempts"] >= MAX_ATTEMPTS:
        return await _finish(pool, row, Done("temporary_failure", error=later.error))
    not_before = now + timedelta(seconds=later.seconds)
    if row["expires_at"] is not None and not_before >= row["expires_at"]:
        return await _finish(pool, row, Done("failed", error=f"{later.error}; expired before a retry"))
    async with transaction(pool) as conn:
        await store.put_back(conn, row["id"], not_before=not_before, error=later.error, uncertain=later.uncertain,
                             count_attempt=later.count_attempt)
    batch_redis = _IN_BATCH.get()
    if batch_redis is not None:
        await queue_ids([(row["id"], not_before)], pool=batch_redis)
        return "later"
    raise Retry(defer=max(later.seconds, 0.0))


async def _fall_back(pool: Any, row: Any, fall: FallBack) -> str:
    """WeChat did not take it: SMS instead (notify.sender.FallBack says what to note)."""
    async with transaction(pool) as conn:
        await store.finish(conn, row["id"], status="failed", provider_status=fall.code, error=fall.reason)
        template = row["template_id"] if row["channel"] == "wechat" else None
        await store.fall_back_to_sms(conn, row["id"], user_id=row["user_id"],
                                     template_id=None if fall.give_back else template,
                                     given_back=template if fall.give_back else None, unfollowed=fall.unfollowed)
    FAILED.labels(row["channel"], fall.code).inc()
    return "fallback"


async def sweep_outbox(ctx: dict[str, Any]) -> int:
    """Re-queue rows whose queue entry was lost and claims of workers that died."""
    async with transaction(ctx["pool"]) as conn:
        ids = await store.due_ids(conn, lease_seconds=ctx.get("notify_lease_seconds", 60))
    await queue_ids(ids, pool=ctx["redis"])
    return len(ids)


async def poll_sms_receipts(ctx: dict[str, Any]) -> int:
    """Ask Aliyun what became of messages still 'sending'; give up on them after 72 hours."""
    provider = ctx["sms"]
    now = clock.now(ctx)
    async with transaction(ctx["pool"]) as conn:
        rows = await store.awaiting_receipt(conn)
    updated = 0
    for row in rows:
        if not row["to_phone"]:
            continue
        dates = sorted({clock.local_day(row["sent_at"]), clock.local_day(row["created_at"])})
        try:
            found = await in_thread(
                lambda: provider.find(phone=row["to_phone"], out_id=str(row["id"]), dates=dates,
                                      biz_id=row["provider_ref"]))
        except LookupError:
            continue  # Aliyun cannot answer now; the next poll asks again
        if found is None or found.send_status not in (2, 3):
            continue
        async with transaction(ctx["pool"]) as conn:
            if await store.record_receipt(conn, row["id"], status="delivered" if found.send_status == 3 else "failed",
                                          provider_status=found.err_code or None):
                updated += 1
    async with transaction(ctx["pool"]) as conn:
        expired = await store.expire_sending(conn, hours=72)
    if expired:
        log.warning("sms_receipts_missing", count=expired, now=now.isoformat())
    return updated
