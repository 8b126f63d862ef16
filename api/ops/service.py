from __future__ import annotations

import asyncio
from typing import Any

from api.types import Schema


class Readiness(Schema):
    ready: bool
    postgres: bool
    redis: bool


async def _ok(coro: Any) -> bool:
    try:
        await asyncio.wait_for(coro, timeout=2)
    except Exception:  # any failure means "not ready"; the reason goes to the logs elsewhere
        return False
    return True


async def _ping_postgres(pool: Any) -> None:
    async with pool.acquire(timeout=2) as conn:
        await conn.fetchval("SELECT 1")


async def readiness(pool: Any, redis: Any) -> Readiness:
    pg, rd = await asyncio.gather(_ok(_ping_postgres(pool)), _ok(redis.ping()))
    return Readiness(ready=pg and rd, postgres=pg, redis=rd)
