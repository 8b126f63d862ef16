"""Accounts whose citizen access tokens must stop at once: merged into another account, or closed.

Citizen access tokens are not read against the database on each request (the booking rush: README,
"Logins and staff sessions"), so an account that ends is written here, in Redis, for as long as an
access token issued before it can live: ``zsb:account-ended:<id>`` = the second it ended. A token
issued at or before that second is refused (401). Refresh tokens end in the database (the account is
disabled, which revokes them). Written before the ending transaction commits, so no token works in
between; if that transaction rolls back, a token issued afterwards (a refresh) still works.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import structlog

log = structlog.get_logger("zsb.auth.ended")
_KEY = "zsb:account-ended:{}"


async def mark(redis: Any, user_id: int, *, token_minutes: int) -> None:
    """By the system clock, as tokens' ``iat`` is (not the app's movable clock)."""
    now = datetime.now(timezone.utc)
    await redis.set(_KEY.format(user_id), str(math.ceil(now.timestamp())), ex=token_minutes * 60 + 120)


async def token_ended(redis: Any, user_id: int, issued_at: datetime | None) -> bool:
    """True when the account ended after this token was issued. Redis unreachable: the token stands
    (it lives minutes; the account's refresh tokens are revoked in the database)."""
    try:
        value = await redis.get(_KEY.format(user_id))
    except Exception:  # noqa: BLE001 - a Redis outage must not log every citizen out
        log.warning("account_ended_check_unavailable")
        return False
    if value is None:
        return False
    return issued_at is None or issued_at.timestamp() <= int(value)
