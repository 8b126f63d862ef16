"""The working-day calendar's shapes: an admin's override of one day, a year's holiday notice and
the calendar's coverage of the days ahead."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.types import Input, Schema


class WorkdayOverrideIn(Input):
    is_workday: bool
    note: Annotated[str, Meta(max_length=200)] = ""


# The festivals of 全国年节及纪念日放假办法 (2024 revision); a notice may join 国庆节 and 中秋节 in one
# line when they fall together (2023, 2025).
Festival = Literal["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节"]


class NoticeHoliday(Input):
    name: Festival
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")


class WorkdayNoticeIn(Input):
    """One year's State Council holiday notice, as printed: each festival's days off, and the
    weekend days that are working days (调休上班)."""

    title: Annotated[str, Meta(min_length=1, max_length=200,
                               examples=["国务院办公厅关于2027年部分节假日安排的通知"])]
    holidays: Annotated[list[NoticeHoliday], Meta(min_length=1, max_length=8)]
    workdays: Annotated[list[date], Meta(max_length=20)] = []


class WorkdayNotice(Schema):
    year: int
    title: str
    days_off: int
    make_up_workdays: int
    working_days: int


class CalendarCoverage(Schema):
    covered: bool
    horizon_days: int
    uncovered_years: list[int]
    first_uncovered_day: date | None = None
