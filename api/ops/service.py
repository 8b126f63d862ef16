from __future__ import annotations

import asyncio
import hmac
from datetime import date
from typing import Any

from api.catalogue.schemas import CalendarCoverage
from api.catalogue.service.calendar import coverage
from api.types import Schema


class Readiness(Schema):
    ready: bool
    postgres: bool
    redis: bool
    # A detail, not a readiness condition: whether the working-day calendar knows the next 60 days
    # (null when PostgreSQL did not answer). Deadlines are still computed when it does not.
    workday_calendar: CalendarCoverage | None = None


async def _ok(coro: Any) -> bool:
    try:
        await asyncio.wait_for(coro, timeout=2)
    except Exception:  # any failure means "not ready"; the reason goes to the logs elsewhere
        return False
    return True


async def _ping_postgres(pool: Any) -> None:
    async with pool.acquire(timeout=2) as conn:
        await conn.fetchval("SELECT 1")


async def _calendar(pool: Any, today: date) -> CalendarCoverage | None:
    try:
        async with pool.acquire(timeout=2) as conn:
            return await asyncio.wait_for(coverage(conn, today), timeout=2)
    except Exception:  # PostgreSQL's own check says why
        return None


async def readiness(pool: Any, redis: Any, today: date | None = None) -> Readiness:
    pg, rd = await asyncio.gather(_ok(_ping_postgres(pool)), _ok(redis.ping()))
    calendar = await _calendar(pool, today) if pg and today else None
    return Readiness(ready=pg and rd, postgres=pg, redis=rd, workday_calendar=calendar)


def metrics_allowed(settings: Any, authorization: str | None) -> bool | None:
    """True: serve /metrics; False: a wrong or missing token (401); None: metrics are off (404).

    A token, not only the proxies' 404: a proxy rule keyed on the path misses spellings the API
    still routes to /metrics (/metrics/, /metrics%2f, /metrics/.).
    """
    if not settings.metrics_token:
        return None if settings.env == "production" else True
    scheme, _, token = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), settings.metrics_token.encode())
