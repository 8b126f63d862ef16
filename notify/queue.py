"""Putting outbox ids on the arq queue (deduplicated by job id)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from arq.connections import ArqRedis

_pool: ArqRedis | None = None
JOB = "send_notification"


def use_pool(pool: ArqRedis | None) -> None:
    """Set by the API lifespan and the worker start-up: the arq pool ids are queued on."""
    global _pool
    _pool = pool


def job_id(notification_id: int) -> str:
    return f"notify:{notification_id}"


async def queue_ids(ids: list[int] | list[tuple[int, datetime]], pool: Any = None) -> None:
    """Queue each id once (arq refuses a second job with the same id while the first exists);
    a row due later is deferred until its ``not_before``."""
    pool = pool or _pool
    if pool is None:
        return  # nothing to queue on (e.g. a CLI command); the sweeper picks the rows up
    items = [i if isinstance(i, tuple) else (i, None) for i in ids]
    for start in range(0, len(items), 200):  # a few hundred in flight at once, not 20,000
        await asyncio.gather(*(
            pool.enqueue_job(JOB, notification_id, _job_id=job_id(notification_id), _defer_until=when)
            for notification_id, when in items[start:start + 200]
        ))
