"""Putting outbox ids on the arq queue (deduplicated by job id)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import structlog
from arq.connections import ArqRedis

log = structlog.get_logger("zsb.notify")
_pool: ArqRedis | None = None
_pending: set[asyncio.Task[None]] = set()
JOB = "send_notification"
BATCH_JOB = "send_notification_batch"
BATCH = 50


def use_pool(pool: ArqRedis | None) -> None:
    """Set by the API lifespan and the worker start-up: the arq pool ids are queued on."""
    global _pool
    _pool = pool


async def enqueue_job(function: str, *args: Any, job_id: str) -> None:
    """Queue any job on the registered pool under its id (arq deduplicates by it). Without a pool
    (a CLI run) nothing is queued: the job's sweeper finds the row."""
    if _pool is not None:
        await _pool.enqueue_job(function, *args, _job_id=job_id)


def job_id(notification_id: int) -> str:
    return f"notify:{notification_id}"


async def queue_ids(ids: list[int] | list[tuple[int, datetime]], pool: Any = None) -> None:
    """Queue the ids: rows due now go in batches (one claim query and one job per 50 rows), rows
    due later as one deferred job each. Job ids deduplicate repeated queueing; the row's claim in
    the database is what makes a second job for the same row harmless."""
    pool = pool or _pool
    if pool is None:
        return  # nothing to queue on (e.g. a CLI command); the sweeper picks the rows up
    items = [i if isinstance(i, tuple) else (i, None) for i in ids]
    now = datetime.now(timezone.utc)
    due = sorted(i for i, when in items if when is None or when <= now)
    later = [(i, when) for i, when in items if when is not None and when > now]
    jobs = [(BATCH_JOB, (due[k:k + BATCH],), f"notify-batch:{due[k]}:{len(due[k:k + BATCH])}", None)
            for k in range(0, len(due), BATCH)]
    jobs += [(JOB, (i,), job_id(i), when) for i, when in later]
    for start in range(0, len(jobs), 200):  # a few hundred in flight at once, not 20,000
        await asyncio.gather(*(pool.enqueue_job(name, *args, _job_id=jid, _defer_until=when)
                               for name, args, jid, when in jobs[start:start + 200]))


def queue_soon(ids: list[int] | list[tuple[int, datetime]]) -> None:
    """Queue committed rows in the background: the request that wrote them answers without
    waiting on Redis (three round trips per job). Nothing is lost if this fails or the process
    dies first: the rows stay 'created' and the sweeper queues them within a minute."""
    task = asyncio.get_running_loop().create_task(_queue_logged(ids))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _queue_logged(ids: list[int] | list[tuple[int, datetime]]) -> None:
    try:
        await queue_ids(ids)
    except Exception:
        log.warning("notify_queue_failed", rows=len(ids), exc_info=True)


async def drain() -> None:
    """Wait for the background queueing started so far (shutdown, before the pool closes)."""
    while _pending:
        await asyncio.gather(*list(_pending), return_exceptions=True)
