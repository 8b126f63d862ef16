"""Sending one outbox row: re-read it, decide, call the provider, record the outcome.

The shape follows GOV.UK Notify's send_to_providers: the row is claimed in one short
transaction, the provider is called with no connection held, the outcome is recorded in
another. What Notify lacks we add: SendSms is not idempotent, so when an earlier attempt may
have reached Aliyun (a timeout, a worker killed mid-call) we look for our OutId with
QuerySendDetails before sending again. That makes a SIGKILL at any point lose nothing and send
nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, TypeVar

import structlog
from arq import Retry
from prometheus_client import Counter

from api.db import transaction
from notify import service
from notify.render import SHANGHAI, inapp_text, sms_params, wechat_data
from notify.sms import SendResult
from notify.templates import EVENTS, EventSpec
from wechat import pages
from wechat.messages import OfficialAccountMissing

log = structlog.get_logger("zsb.notify")

MAX_ATTEMPTS = 10
PAUSE_KEY = "zsb:notify:sms:paused"
QUIET_HOURS = (22, 8)  # Asia/Shanghai: 22:00–08:00 non-urgent SMS wait
LATER_SECONDS = 3600.0  # isv.BUSINESS_LIMIT_CONTROL: the number's frequency quota
PAUSE_SECONDS = 600.0
PAUSED_ERROR = "sms channel paused"  # the error of every row the pause holds back (notify/queries.sql)
# After a timeout the next attempt waits at least this long, giving QuerySendDetails time to see
# a message that did reach Aliyun.
UNCERTAIN_MIN_DELAY = 30.0

SENT = Counter("zsb_notifications_sent_total", "Messages handed to a provider", ["channel", "provider"])
FAILED = Counter("zsb_notifications_failed_total", "Messages that failed for good", ["channel", "code"])
PAUSED = Counter("zsb_sms_channel_paused_total", "SMS channel paused for a configuration or account error",
                 ["code"])


T = TypeVar("T")


class ProviderThreads:
    """Where the synchronous provider SDKs run: a thread pool fed in chunks.

    The calls a worker makes in one turn of its event loop (a batch's sends start together) go to
    the pool in chunks of ``chunk``, each run one after another by one thread, with one hand-back
    to the loop per chunk. Per call, anyio.to_thread's bookkeeping took a fifth of a worker's CPU
    and a plain executor's future and wake-up a sixth; chunks of 8 on 20 threads sent 532-595
    SMS/s in bench/notify_fanout.py against 472-559 one call per task (and 8 threads one call per
    task: 239-261). A call's exception goes to its own caller only.
    """

    def __init__(self, threads: int = 20, chunk: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="provider")
        self._chunk = chunk
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []

    async def run(self, call: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if loop is not self._loop or not self._waiting:
            # a fresh list each turn (and for a new loop: a stale one of a closed loop is dropped)
            self._loop, self._waiting = loop, []
            loop.call_soon(self._hand_over, loop, self._waiting)
        self._waiting.append((call, future))
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop, calls: list[Any]) -> None:
        if calls is self._waiting:
            self._waiting = []
        for start in range(0, len(calls), self._chunk):
            self._pool.submit(self._run_chunk, loop, calls[start:start + self._chunk])

    @staticmethod
    def _run_chunk(loop: asyncio.AbstractEventLoop, calls: list[tuple[Callable[[], Any], asyncio.Future[Any]]]) -> None:
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        for call, future in calls:
            try:
                outcomes.append((future, call(), None))
            except BaseException as exc:  # handed to the task that awaits this call
                outcomes.append((future, None, exc))
        loop.call_soon_threadsafe(ProviderThreads._settle, outcomes)

    @staticmethod
    def _settle(outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
        for future, value, exc in outcomes:
            if future.cancelled():  # its job was cancelled meanwhile; the row's claim covers it
                continue
            if exc is not None:
                future.set_exception(exc)
            else:
                future.set_result(value)


_PROVIDER_THREADS = ProviderThreads()


async def in_thread(call: Callable[[], T]) -> T:
    return await _PROVIDER_THREADS.run(call)


def default_clock() -> datetime:
    return datetime.now(timezone.utc)


def quiet_until(now: datetime, hours: tuple[int, int] | None = QUIET_HOURS) -> datetime | None:
    """The end of the quiet hours when ``now`` falls inside them, else None."""
    if hours is None:
        return None
    start, end = hours
    local = now.astimezone(SHANGHAI)
    if local.hour >= start:
        return datetime.combine(local.date() + timedelta(days=1), time(end), SHANGHAI)
    if local.hour < end:
        return datetime.combine(local.date(), time(end), SHANGHAI)
    return None


def backoff(attempts: int) -> float:
    return float(min(15 * 2 ** max(attempts - 1, 0), 1800))


def _send_dates(row: Any, now: datetime) -> list[date]:
    """The Shanghai dates an earlier attempt of this row may have been sent on."""
    first = (row["claimed_at"] or row["created_at"]).astimezone(SHANGHAI).date()
    days = sorted({first, row["created_at"].astimezone(SHANGHAI).date(), now.astimezone(SHANGHAI).date()})
    return days


# Set while a batch job runs: a row that must wait is queued again on its own (deferred) instead of
# retrying the whole batch job.
_IN_BATCH: ContextVar[Any] = ContextVar("in_batch", default=None)
# Set while a batch job runs: the outcomes of its sends, recorded together when all have answered
# (one statement instead of a transaction per message). A worker killed before that leaves the
# rows claimed; after the lease they are looked up by OutId before any resend, as after any crash.
_OUTCOMES: ContextVar[list[tuple[int, dict[str, Any]]] | None] = ContextVar("outcomes", default=None)
# Set while a batch job runs: whether the SMS channel was paused when it started (read once for the
# batch rather than once per message; its sends start together anyway).
_PAUSED_MS: ContextVar[int | None] = ContextVar("paused_ms", default=None)


async def send_notification(ctx: dict[str, Any], notification_id: int) -> str:
    async with transaction(ctx["pool"]) as conn:
        row = await service.claim(conn, notification_id, lease_seconds=ctx.get("notify_lease_seconds", 60))
    if row is None:
        return "not_due"  # sent, cancelled, claimed by a live worker, or due later
    return await _process(ctx, row)


async def send_batch(ctx: dict[str, Any], ids: list[int]) -> dict[str, int]:
    """The fan-out path: one claim for many rows, their provider calls side by side."""
    async with transaction(ctx["pool"]) as conn:
        rows = await service.claim_many(conn, ids, lease_seconds=ctx.get("notify_lease_seconds", 60))
    _IN_BATCH.set(ctx["redis"])
    finished: list[tuple[int, dict[str, Any]]] = []
    _OUTCOMES.set(finished)
    if any(row["channel"] == "sms" for row in rows):
        _PAUSED_MS.set(await ctx["redis"].pttl(PAUSE_KEY))
    try:
        outcomes = await asyncio.gather(*(_process(ctx, row) for row in rows), return_exceptions=True)
    finally:
        _OUTCOMES.set(None)
        _PAUSED_MS.set(None)
        if finished:
            async with transaction(ctx["pool"]) as conn:
                await service.finish_many(conn, finished)
    counts: dict[str, int] = {}
    for row, outcome in zip(rows, outcomes):
        if isinstance(outcome, BaseException):
            # The row stays claimed; after the lease the sweeper queues it again, marked uncertain.
            log.error("notification_failed_unexpectedly", id=row["id"], error=repr(outcome))
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


async def _process(ctx: dict[str, Any], row: Any) -> str:
    clock: Callable[[], datetime] = ctx.get("clock") or default_clock
    pool = ctx["pool"]
    now = clock()
    spec = EVENTS.get(row["event"])
    if spec is None:
        return await _finish(pool, row, status="failed", error="unknown event")
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return await _finish(pool, row, status="cancelled", error="expired")
    if row["channel"] == "sms":
        return await _send_sms(ctx, pool, row, spec, now)
    if row["channel"] == "wechat":
        return await _send_wechat(ctx, pool, row, spec, now)
    if row["channel"] == "wechat_oa":
        return await _send_official(ctx, pool, row, spec, now)
    return await _finish(pool, row, status="sent")


async def _finish(pool: Any, row: Any, **outcome: Any) -> str:
    batch = _OUTCOMES.get()
    if batch is not None:
        batch.append((row["id"], outcome))
    else:
        async with transaction(pool) as conn:
            await service.finish(conn, row["id"], **outcome)
    if outcome["status"] in ("failed", "temporary_failure"):
        FAILED.labels(row["channel"], outcome.get("error") or "").inc()
    return outcome["status"]


async def _later(pool: Any, row: Any, *, seconds: float, now: datetime, error: str, uncertain: bool = False,
                 count_attempt: bool = True) -> str:
    """Put the row back for later, or give up for good after MAX_ATTEMPTS."""
    if count_attempt and row["attempts"] >= MAX_ATTEMPTS:
        return await _finish(pool, row, status="temporary_failure", error=error)
    not_before = now + timedelta(seconds=seconds)
    if row["expires_at"] is not None and not_before >= row["expires_at"]:
        return await _finish(pool, row, status="failed", error=f"{error}; expired before a retry")
    async with transaction(pool) as conn:
        await service.put_back(conn, row["id"], not_before=not_before, error=error, uncertain=uncertain,
                               count_attempt=count_attempt)
    batch_redis = _IN_BATCH.get()
    if batch_redis is not None:
        from notify.queue import queue_ids

        await queue_ids([(row["id"], not_before)], pool=batch_redis)
        return "later"
    raise Retry(defer=max(seconds, 0.0))


async def _send_sms(ctx: dict[str, Any], pool: Any, row: Any, spec: EventSpec, now: datetime) -> str:
    if not row["urgent"]:
        until = quiet_until(now, ctx.get("quiet_hours", QUIET_HOURS))
        if until is not None:
            return await _later(pool, row, seconds=(until - now).total_seconds(), now=now, error="quiet hours",
                                uncertain=row["uncertain"], count_attempt=False)
    phone = row["to_phone"]
    if not phone or not spec.sms_template:
        return await _finish(pool, row, status="failed", error="no phone number or no SMS template")
    redis = ctx["redis"]
    paused = _PAUSED_MS.get()
    if paused is None:
        paused = await redis.pttl(PAUSE_KEY)
    if paused and paused > 0:
        return await _later(pool, row, seconds=paused / 1000, now=now, error=PAUSED_ERROR,
                            uncertain=row["uncertain"], count_attempt=False)
    provider = ctx["sms"]
    out_id = str(row["id"])
    params = sms_params(spec, row["params"])
    content = inapp_text(spec, row["params"])
    if spec.secret and provider.name != "sandbox":
        content = content.replace(str(row["params"].get("code", "")) or "\0", "******")
    if row["uncertain"]:
        # An earlier attempt may have reached Aliyun: never send twice, look for our OutId first.
        try:
            found = await in_thread(
                lambda: provider.find(phone=phone, out_id=out_id, dates=_send_dates(row, now)))
        except LookupError as exc:
            return await _later(pool, row, seconds=backoff(row["attempts"]), now=now,
                                error=f"query before resend failed: {exc}", uncertain=True)
        if found is not None:
            status = {3: "delivered", 2: "failed"}.get(found.send_status, "sending")
            return await _finish(pool, row, status=status, provider_status=found.err_code or None,
                                 content=content, scrub_params=spec.secret)
    result: SendResult = await in_thread(
        lambda: provider.send(phone=phone, template=spec.sms_template, params=params, out_id=out_id))
    if result.verdict == "accepted":
        SENT.labels("sms", provider.name).inc()
        # The sandbox has no receipts to wait for: what it accepts counts as delivered.
        status = "delivered" if provider.name == "sandbox" else "sending"
        return await _finish(pool, row, status=status, provider_ref=result.biz_id, provider_status=result.code,
                             content=content, scrub_params=spec.secret)
    error = f"{result.code}: {result.message}"[:500]
    if result.verdict == "failed":
        return await _finish(pool, row, status="failed", provider_status=result.code, error=error)
    if result.verdict == "retry_later":
        return await _later(pool, row, seconds=LATER_SECONDS, now=now, error=error)
    if result.verdict == "pause":
        seconds = ctx.get("sms_pause_seconds", PAUSE_SECONDS)
        # One flag for every worker: until it expires nobody calls Aliyun, so no retry storm.
        if await redis.set(PAUSE_KEY, result.code, px=int(seconds * 1000), nx=True):
            PAUSED.labels(result.code).inc()
            log.error("sms_channel_paused", provider_code=result.code, message=result.message, seconds=seconds,
                      alert=True)
        return await _later(pool, row, seconds=seconds, now=now, error=f"{PAUSED_ERROR}: {error}"[:500],
                            count_attempt=False)
    delay = backoff(row["attempts"])
    if result.uncertain:
        delay = max(delay, ctx.get("uncertain_min_delay", UNCERTAIN_MIN_DELAY))
    return await _later(pool, row, seconds=delay, now=now, error=error, uncertain=result.uncertain)


async def _send_wechat(ctx: dict[str, Any], pool: Any, row: Any, spec: EventSpec, now: datetime) -> str:
    openid = row["to_openid"]
    if not openid:
        return await _fall_back(pool, row, reason="no openid")
    sender = ctx["wechat_messages"]
    data = wechat_data(spec, row["params"], now)
    result = await in_thread(
        lambda: sender.send_subscribe(openid=openid, template_id=row["template_id"] or spec.wechat_template,
                                      data=data, page=pages.link(spec.wechat_page, row["params"])))
    if result.verdict == "sent":
        SENT.labels("wechat", sender.name).inc()
        return await _finish(pool, row, status="sent", provider_ref=result.msgid, provider_status="0",
                             content=inapp_text(spec, row["params"]))
    if result.verdict == "no_authorisation":
        return await _fall_back(pool, row, reason=f"{result.errcode}: {result.errmsg}")
    error = f"{result.errcode}: {result.errmsg}"[:500]
    if result.verdict == "bad_data":
        # WeChat refused a value of ours (render.wechat_value should have made it valid): fix the
        # template mapping; the person hears by SMS and keeps the authorisation WeChat did not use.
        log.error("wechat_data_refused", id=row["id"], notify_event=row["event"], errcode=result.errcode,
                  errmsg=result.errmsg, alert=True)
        return await _fall_back(pool, row, reason=error, code=str(result.errcode), give_back=True)
    if result.verdict == "failed":
        return await _finish(pool, row, status="failed", provider_status=str(result.errcode), error=error)
    return await _later(pool, row, seconds=backoff(row["attempts"]), now=now, error=error)


async def _send_official(ctx: dict[str, Any], pool: Any, row: Any, spec: EventSpec, now: datetime) -> str:
    """An official-account template message; a follower that left gets the message by SMS."""
    openid = row["to_oa_openid"]
    if not openid:  # unfollowed since the row was written
        return await _fall_back(pool, row, reason="no longer follows the official account", code="43004")
    sender = ctx["wechat_messages"]
    data = wechat_data(spec, row["params"], now)
    try:
        result = await in_thread(
            lambda: sender.send_template(openid=openid, template_id=row["template_id"], data=data,
                                         page=pages.link(spec.wechat_page, row["params"])))
    except OfficialAccountMissing:
        log.error("official_account_not_configured", id=row["id"], alert=True)
        return await _fall_back(pool, row, reason="official account not configured", code="config")
    if result.verdict == "sent":
        SENT.labels("wechat_oa", sender.name).inc()
        return await _finish(pool, row, status="sent", provider_ref=result.msgid, provider_status="0",
                             content=inapp_text(spec, row["params"]))
    if result.verdict == "not_following":
        return await _fall_back(pool, row, reason=f"{result.errcode}: {result.errmsg}", code=str(result.errcode),
                                unfollowed=openid)
    error = f"{result.errcode}: {result.errmsg}"[:500]
    if result.verdict in ("failed", "bad_data"):
        # A template or data the account refuses is ours to fix; the person still hears by SMS.
        log.error("official_account_template_refused", id=row["id"], errcode=result.errcode, alert=True)
        return await _fall_back(pool, row, reason=error, code=str(result.errcode))
    return await _later(pool, row, seconds=backoff(row["attempts"]), now=now, error=error)


async def _fall_back(pool: Any, row: Any, *, reason: str, code: str = "43101", unfollowed: str | None = None,
                     give_back: bool = False) -> str:
    """WeChat did not take it: SMS instead. A 43101 spends the template's authorisations (WeChat
    says none are left); ``give_back`` returns the one this row reserved (WeChat did not use it)."""
    async with transaction(pool) as conn:
        await service.finish(conn, row["id"], status="failed", provider_status=code, error=reason)
        template = row["template_id"] if row["channel"] == "wechat" else None
        await service.fall_back_to_sms(conn, row["id"], user_id=row["user_id"],
                                       template_id=None if give_back else template,
                                       given_back=template if give_back else None, unfollowed=unfollowed)
    FAILED.labels(row["channel"], code).inc()
    return "fallback"


async def sweep(ctx: dict[str, Any]) -> int:
    """Re-queue rows whose queue entry was lost and claims of workers that died."""
    from notify.queue import queue_ids

    async with transaction(ctx["pool"]) as conn:
        ids = await service.due_ids(conn, lease_seconds=ctx.get("notify_lease_seconds", 60))
    await queue_ids(ids, pool=ctx["redis"])
    return len(ids)


async def poll_receipts(ctx: dict[str, Any]) -> int:
    """Ask Aliyun what became of messages still 'sending'; give up on them after 72 hours."""
    provider = ctx["sms"]
    clock: Callable[[], datetime] = ctx.get("clock") or default_clock
    now = clock()
    async with transaction(ctx["pool"]) as conn:
        rows = await service.awaiting_receipt(conn)
    updated = 0
    for row in rows:
        if not row["to_phone"]:
            continue
        dates = sorted({row["sent_at"].astimezone(SHANGHAI).date(), row["created_at"].astimezone(SHANGHAI).date()})
        try:
            found = await in_thread(
                lambda: provider.find(phone=row["to_phone"], out_id=str(row["id"]), dates=dates,
                                      biz_id=row["provider_ref"]))
        except LookupError:
            continue  # Aliyun cannot answer now; the next poll asks again
        if found is None or found.send_status not in (2, 3):
            continue
        async with transaction(ctx["pool"]) as conn:
            if await service.record_receipt(conn, row["id"], status="delivered" if found.send_status == 3 else "failed",
                                            provider_status=found.err_code or None):
                updated += 1
    async with transaction(ctx["pool"]) as conn:
        expired = await service.expire_sending(conn, hours=72)
    if expired:
        log.warning("sms_receipts_missing", count=expired, now=now.isoformat())
    return updated
