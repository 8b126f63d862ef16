"""Accounts whose citizen access tokens must stop at once: merged into another account, or closed.

Citizen access tokens are not read against the database on each request (the booking rush: README,
"Logins and staff sessions"), and not against Redis either: the ended accounts are a small Redis sorted
set (``zsb:accounts-ended``: member the account id, score the second it ended, pruned after the longest
access-token lifetime) that each process copies at most once a second. A token issued at or before
that second is refused (401). The process that ends an account knows it at once; any other within a
second. Refresh tokens end in the database (the account is disabled, which revokes them). Written
before the ending transaction commits, so no token works in between; if that transaction rolls back, a
token issued afterwards (a refresh) still works.
"""

from __future__ import annotations

import math
import time
import weakref
from datetime import datetime, timezone
from typing import Any

import structlog

log = structlog.get_logger("zsb.auth.ended")
KEY = "zsb:accounts-ended"
REFRESH_SECONDS = 1.0


class _Copy:
    """One process's copy of the set, per Redis client (each app has its own)."""

    def __init__(self) -> None:
        self.ended: dict[int, float] = {}
        self.loaded_at = -math.inf


_copies: weakref.WeakKeyDictionary[Any, _Copy] = weakref.WeakKeyDictionary()


def _copy(redis: Any) -> _Copy:
    copy = _copies.get(redis)
    if copy is None:
        copy = _copies[redis] = _Copy()
    return copy


def forget(redis: Any) -> None:
    """Drop the copy kept for ``redis`` (its app stopped; started again, it loads the set anew)."""
    _copies.pop(redis, None)


async def mark(redis: Any, user_id: int, *, token_minutes: int) -> None:
    """By the system clock, as tokens' ``iat`` is (not the app's movable clock)."""
    now = math.ceil(datetime.now(timezone.utc).timestamp())
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(KEY, {str(user_id): now})
        pipe.zremrangebyscore(KEY, "-inf", now - token_minutes * 60 - 120)
        await pipe.execute()
    _copy(redis).ended[user_id] = now


async def token_ended(redis: Any, user_id: int, issued_at: datetime | None) -> bool:
    """True when the account ended after this token was issued. Redis unreachable: the last copy
    stands (tokens live minutes; the account's refresh tokens are revoked in the database)."""
    copy = _copy(redis)
    if time.monotonic() - copy.loaded_at >= REFRESH_SECONDS:
        copy.loaded_at = time.monotonic()  # one reload at a time, whatever its outcome
        try:
            pairs = await redis.zrange(KEY, 0, -1, withscores=True)
        except Exception:  # noqa: BLE001 - a Redis outage must not log every citizen out
            log.warning("account_ended_check_unavailable")
        else:
            recent = time.time() - 10  # marked here while the copy was on its way: keep them
            loaded = {int(member): score for member, score in pairs}
            copy.ended = {**{k: v for k, v in copy.ended.items() if v >= recent}, **loaded}
    ended_at = copy.ended.get(user_id)
    if ended_at is None:
        return False
    return issued_at is None or issued_at.timestamp() <= ended_at
