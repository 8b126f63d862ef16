"""The SMS channel's pause: set by the delivery pipeline on an account or configuration error
(余额不足, a sign or template refused), lifted when it expires or by an admin.

One Redis flag for every worker: until it expires nobody calls Aliyun, so no retry storm. The
rows it holds back wait with the error PAUSED_ERROR (notify/pause.sql counts and releases them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec

from api.db import load_queries
from notify.outbox import queue_after_commit

q = load_queries(__file__, "pause.sql")

PAUSE_KEY = "zsb:notify:sms:paused"
PAUSE_SECONDS = 600.0
PAUSED_ERROR = "sms channel paused"  # the error of every row the pause holds back (notify/pause.sql)


# Set while a batch job runs: whether the channel was paused when it started (read once for the
# batch rather than once per message; its sends start together anyway).
_BATCH_PAUSED_MS: ContextVar[int | None] = ContextVar("paused_ms", default=None)


@asynccontextmanager
async def read_once(redis: Any, needed: bool = True) -> AsyncIterator[None]:
    """Within: ``paused_ms`` answers what Redis said on entry (when ``needed``: the batch has SMS)."""
    if needed:
        _BATCH_PAUSED_MS.set(await redis.pttl(PAUSE_KEY))
    try:
        yield
    finally:
        _BATCH_PAUSED_MS.set(None)


async def paused_ms(redis: Any) -> int | None:
    """How long the pause still lasts in milliseconds (Redis PTTL: not positive when not paused)."""
    batch = _BATCH_PAUSED_MS.get()
    return batch if batch is not None else await redis.pttl(PAUSE_KEY)


async def pause(redis: Any, code: str, *, seconds: float) -> bool:
    """Pause the channel for ``seconds`` because Aliyun answered ``code``; False when it already was."""
    return bool(await redis.set(PAUSE_KEY, code, px=int(seconds * 1000), nx=True))


class SmsPause(msgspec.Struct, frozen=True):
    """Whether the SMS channel is paused, by which Aliyun code, until when, holding how many messages."""

    paused: bool
    code: str | None
    resumes_at: datetime | None
    waiting: int


async def sms_pause(conn: Any, redis: Any) -> SmsPause:
    code, ttl_ms = await redis.get(PAUSE_KEY), await redis.pttl(PAUSE_KEY)
    paused = code is not None and ttl_ms is not None and ttl_ms > 0
    return SmsPause(paused=paused, code=code.decode() if paused else None,
                    resumes_at=datetime.now(timezone.utc) + timedelta(milliseconds=ttl_ms) if paused else None,
                    waiting=await q.held_by_pause(conn))


async def resume_sms(conn: Any, redis: Any) -> list[int]:
    """Lift the pause now (the account was topped up, the sign approved): every worker may send
    again, and what it held back is due at once; the ids are queued after commit."""
    await redis.delete(PAUSE_KEY)
    ids = [r["id"] async for r in q.release_paused(conn)]
    if ids:
        now = datetime.now(timezone.utc)
        queue_after_commit(conn, [(i, now) for i in ids])
    return ids
