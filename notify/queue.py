"""Putting outbox ids on the arq queue (deduplicated by job id)."""

from __future__ import annotations

from typing import Any

from arq.connections import ArqRedis

_pool: ArqRedis | None = None


def use_pool(pool: ArqRedis | None) -> None:
    """Set by the API lifespan and the worker start-up: the arq pool ids are queued on."""
    global _pool
    _pool = pool


async def queue_ids(ids: list[int], pool: Any = None) -> None:
    pool = pool or _pool
    if pool is None:
        return  # nothing to queue on (e.g. a CLI command); the sweeper picks the rows up
    for notification_id in ids:
        await pool.enqueue_job("send_notification", notification_id, _job_id=f"notify:{notification_id}")
