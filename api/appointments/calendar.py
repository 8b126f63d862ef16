"""Working days of the booking calendar.

Working days come from ``api.workdays`` (the State Council schedule with make-up working
weekends, plus the admins' overrides); this module adds the booking-specific counts.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
import time as time_module

from api.clock import ZONE, local_day
from api.workdays import is_workday

__all__ = ["change_deadline", "horizon_end", "horizon_opens", "is_workday", "previous_workday"]


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
        before = previous_workday(local_day(starts_at))
        return datetime.combine(before, time(17, 0), ZONE)
    return starts_at - timedelta(hours=1)  # F114 / F115
