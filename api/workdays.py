"""Working days (工作日) on the State Council's holiday schedule.

``chinese-calendar`` knows the schedule, make-up working weekends (调休) included, for the years
it ships (1.11.0: 2004–2026). Admins enter later years' schedules in ``workday_overrides``
(``PUT /api/v1/admin/workdays/{day}``); an override also corrects a year the library covers.
The applications area loads them with ``api.catalogue.service.load_workday_overrides``.

The documented rule for a day in a year the library does not cover and for which no override
has been entered: Monday–Friday are working days except the fixed-date statutory holidays
(元旦 1 Jan; 劳动节 1–2 May; 国庆节 1–3 Oct, as in the 2024 revision of 全国年节及纪念日放假办法).
The lunar holidays and the make-up weekends cannot be known before the State Council publishes
them, so every such use is logged at error level (``workday_calendar_uncovered``), once per
year and process, for an admin to enter the schedule; deadlines computed meanwhile are flagged
provisional by ``is_provisional``.

Counting: ``add_workdays(d, n)`` is the n-th working day after ``d`` (``d`` itself is not
counted: a time limit runs from the day after acceptance, FAQ F106);
``workdays_between(a, b)`` counts the working days in (a, b], so
``workdays_between(a, add_workdays(a, n)) == n``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar
import structlog

log = structlog.get_logger("zsb.workdays")

FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
_overrides: dict[date, bool] = {}
_override_years: set[int] = set()
_warned_years: set[int] = set()


def set_overrides(overrides: Mapping[date, bool]) -> None:
    """Replace the admin overrides (day -> is a working day)."""
    global _overrides, _override_years
    _overrides = dict(overrides)
    _override_years = {d.year for d in _overrides}


def covered_by_library(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_provisional(d: date) -> bool:
    """True when ``d`` falls in a year known neither to the library nor to the overrides."""
    return d.year not in _override_years and not covered_by_library(d.year)


def is_workday(d: date) -> bool:
    if d in _overrides:
        return _overrides[d]
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        pass
    if d.year not in _override_years and d.year not in _warned_years:
        _warned_years.add(d.year)
        log.error("workday_calendar_uncovered", year=d.year,
                  rule="Mon-Fri except 1 Jan, 1-2 May, 1-3 Oct",
                  action="enter the State Council schedule in workday_overrides")
    return d.weekday() < 5 and (d.month, d.day) not in FIXED_HOLIDAYS


def add_workdays(d: date, n: int) -> date:
    """The n-th working day after ``d`` (n >= 0; n == 0 gives ``d``)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = d
    while n > 0:
        day += timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def workdays_between(a: date, b: date) -> int:
    """Working days in (a, b]; 0 when b <= a."""
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
