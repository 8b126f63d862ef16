"""The app's one time zone and one injectable clock.

Every local day and office hour is Beijing time (``ZONE``). The clock is ``app.state.clock`` in the
API and ``ctx["clock"]`` in jobs: a zero-argument callable returning an aware datetime; unset, the
system clock is read. Tests set their own (tests/clock.py) to move time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from litestar.datastructures import State

ZONE = ZoneInfo("Asia/Shanghai")


def system_now() -> datetime:
    return datetime.now(timezone.utc)


def now(holder: Mapping[str, Any] | Any = None) -> datetime:
    """The time by the clock ``holder`` (the app's State or a job's ctx) carries, else the system's."""
    clock: Callable[[], datetime] | None = holder.get("clock") if holder is not None else None
    return clock() if clock else system_now()


def local_now(holder: Mapping[str, Any] | Any = None) -> datetime:
    """``now`` in Beijing time (the same moment, shown with +08:00)."""
    return now(holder).astimezone(ZONE)


def local_day(moment: datetime) -> date:
    """The Beijing date of ``moment``."""
    return moment.astimezone(ZONE).date()


def today(holder: Mapping[str, Any] | Any = None) -> date:
    """Today in Beijing, by the clock ``holder`` carries (else the system's)."""
    return local_day(now(holder))


def at(day: date, clock_time: time) -> datetime:
    """``clock_time`` on ``day``, Beijing time."""
    return datetime.combine(day, clock_time, ZONE)


def provide_now(state: State) -> datetime:
    """The ``now`` route dependency: the app's clock."""
    return now(state)
