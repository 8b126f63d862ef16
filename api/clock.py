"""The app's one injectable clock: ``app.state.clock`` in the API, ``ctx["clock"]`` in jobs.

Both hold a zero-argument callable returning an aware datetime; unset, the system clock is read.
Tests set their own to move time instead of sleeping (e.g. the WeChat push freshness window).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any


def system_now() -> datetime:
    return datetime.now(timezone.utc)


def now(holder: Mapping[str, Any] | Any) -> datetime:
    """The time by the clock ``holder`` (the app's State or a job's ctx) carries, else the system's."""
    clock: Callable[[], datetime] | None = holder.get("clock")
    return clock() if clock else system_now()
