"""Working days and the booking clock.

Working days come from ``api.workdays`` (the State Council schedule with make-up working
weekends, plus the admins' overrides); this module adds the booking-specific counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
import time as time_module
from zoneinfo import ZoneInfo

from api.workdays import is_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


__all__ = ["SHANGHAI", "at", "business_date", "change_deadline", "horizon_end", "horizon_opens", "is_workday",
           "previous_workday", "system_clock"]


def business_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


@lru_cache(maxsize=64)
def _horizon_end(today: date, workdays: int, _hour: int) -> date:
    """The last bookable date: the ``workdays``-th working day counting today (F113: 未来7个工作日)."""
    day, seen = today, 0
    while True:
        if is_workday(day):
            seen += 1
            if seen == workdays:
                return day
        day += timedelta(days=1)


def horizon_end(today: date, workdays: int = 7) -> date:
    """The last bookable date: the ``workdays``-th working day counting today (F113: 未来7个工作日).
    Cached per hour, so an admin's calendar override shows within the hour."""
    return _horizon_end(today, workdays, int(time_module.time() // 3600))


def horizon_opens(day: date, workdays: int = 7) -> date:
    """The first date whose horizon reaches ``day``: the day after the working day before the
    ``workdays``-th working day counting back from ``day`` (a Monday's slot a week on opens on
    the Saturday, as ``horizon_end`` of a weekend counts from the Monday)."""
    first, seen = day, 0
    while True:
        if is_workday(first):
            seen += 1
            if seen == workdays:
                break
        first -= timedelta(days=1)
    return previous_workday(first) + timedelta(days=1)


def previous_workday(day: date) -> date:
    day -= timedelta(days=1)
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def change_deadline(starts_at: datetime, cutoff: str) -> datetime:
    """Last moment to cancel or reschedule a booking starting at ``starts_at``."""
    if cutoff == "prev_workday_17":
        # F075 / F120: 17:00 of the working day before the appointment day
        before = previous_workday(business_date(starts_at))
        return datetime.combine(before, time(17, 0), SHANGHAI)
    return starts_at - timedelta(hours=1)  # F114 / F115


def at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, SHANGHAI)
