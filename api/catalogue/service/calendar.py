"""Loading a year's working-day calendar from the State Council's holiday notice, and saying when
the calendar does not cover the days ahead.

chinese-calendar ships the years it knows (api.workdays); for a later year an admin loads the
notice (``PUT /api/v1/admin/workday-notices/{year}`` or ``zsb load-workdays``): every day of the
year is written to ``workday_overrides`` (weekends off, the festivals' days off, the make-up
working weekends on), so each process's api.workdays knows the whole year within a minute and
the figures' SQL calendar follows through the overrides' triggers. Loading again replaces the year.
"""

from __future__ import annotations

from pathlib import Path
import time
from datetime import date, timedelta
from typing import Any

import msgspec
import structlog

from api import workdays
from api.catalogue.schemas import CalendarCoverage, NoticeHoliday, WorkdayNotice, WorkdayNoticeIn
from api.db import load_queries, rows
from api.errors import Conflict, Unprocessable

q = load_queries(Path(__file__).parents[1], "calendar.sql")
log = structlog.get_logger("zsb.workdays")

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
MAX_HOLIDAY_DAYS = 10  # the longest runs (春节, 国庆节 with 中秋节) are 8–9 days with the weekends
HORIZON_DAYS = 60  # deadlines run up to 20 working days ahead, a month; alert well before


class WorkdayNoticeInvalid(Unprocessable):
    """节假日安排不正确，请对照国务院办公厅通知检查。"""

    code = "workday_notice_invalid"


class WorkdayYearCovered(Conflict):
    """该年度的节假日安排已内置，不需要录入；个别日期请用单日调整。"""

    code = "workday_year_covered"


def _days(h: NoticeHoliday) -> list[date]:
    return [h.start + timedelta(days=i) for i in range((h.end - h.start).days + 1)]


def _check(year: int, notice: WorkdayNoticeIn) -> tuple[dict[date, str], set[date]]:
    """The notice's days off (day -> festival) and make-up working days, or WorkdayNoticeInvalid
    naming the first thing that is wrong."""
    # 元旦's days off may begin in the last days of the year before (2011's notice: 31 Dec 2010 –
    # 2 Jan 2011 would be written under 2011): allow a week either side of the year.
    low, high = date(year - 1, 12, 25), date(year + 1, 1, 7)
    off: dict[date, str] = {}
    named: list[str] = []
    for i, h in enumerate(notice.holidays):
        where = f"holidays[{i}]"
        if h.end < h.start:
            raise WorkdayNoticeInvalid(f"{h.name}的结束日期早于开始日期", field=where)
        if (h.end - h.start).days + 1 > MAX_HOLIDAY_DAYS:
            raise WorkdayNoticeInvalid(f"{h.name}放假超过{MAX_HOLIDAY_DAYS}天", field=where)
        if h.start < low or h.end > high or year not in (h.start.year, h.end.year):
            raise WorkdayNoticeInvalid(f"{h.name}的日期不在{year}年", field=where)
        for d in _days(h):
            if d in off:
                raise WorkdayNoticeInvalid(f"{d.isoformat()}同时属于{off[d]}和{h.name}", field=where)
            off[d] = h.name
        named += h.name.split("、")
    for festival in FESTIVALS:
        if named.count(festival) != 1:
            raise WorkdayNoticeInvalid(f"通知应列出{festival}一次（现为{named.count(festival)}次）", field="holidays")
    for month, day in sorted(workdays.FIXED_HOLIDAYS):
        if date(year, month, day) not in off:
            raise WorkdayNoticeInvalid(f"{month}月{day}日是法定节假日，应在放假日期内", field="holidays")
    make_up: set[date] = set()
    for i, d in enumerate(notice.workdays):
        where = f"workdays[{i}]"
        if not low <= d <= high:
            raise WorkdayNoticeInvalid(f"调休上班日{d.isoformat()}不在{year}年", field=where)
        if d.weekday() < 5:
            raise WorkdayNoticeInvalid(f"调休上班日{d.isoformat()}不是周末", field=where)
        if d in off:
            raise WorkdayNoticeInvalid(f"{d.isoformat()}既是放假日又是上班日", field=where)
        if d in make_up:
            raise WorkdayNoticeInvalid(f"调休上班日{d.isoformat()}重复", field=where)
        make_up.add(d)
    return off, make_up


async def load_notice(conn: Any, year: int, notice: WorkdayNoticeIn, *, loaded_by: int | None) -> WorkdayNotice:
    """Validate the notice and make it the calendar of ``year`` (idempotent; a later load replaces it)."""
    if workdays.covered_by_library(year):
        raise WorkdayYearCovered(year=year)
    off, make_up = _check(year, notice)
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = sorted({first + timedelta(days=i) for i in range((last - first).days + 1)} | set(off) | make_up)
    is_work = [d in make_up or (d.weekday() < 5 and d not in off) for d in days]
    notes = [f"{notice.title}：{off[d]}" if d in off else f"{notice.title}：调休上班" if d in make_up
             else notice.title for d in days]
    await q.upsert_notice_days(conn, days=days, workdays=is_work, notes=notes)
    await q.save_notice(conn, year=year, title=notice.title, holidays=msgspec.to_builtins(notice.holidays),
                        workdays=[d.isoformat() for d in sorted(make_up)], loaded_by=loaded_by)
    await load_workday_overrides(conn, max_age=0)
    log.info("workday_notice_loaded", year=year, title=notice.title, days_off=len(off), make_up=len(make_up))
    in_year = [w for d, w in zip(days, is_work, strict=True) if d.year == year]
    return WorkdayNotice(year=year, title=notice.title, days_off=len(off), make_up_workdays=len(make_up),
                         working_days=sum(in_year))


async def coverage(conn: Any, today: date, horizon_days: int = HORIZON_DAYS) -> CalendarCoverage:
    """Whether every day from ``today`` to ``today + horizon_days`` is in a year the calendar knows
    (shipped by chinese-calendar, or a loaded notice)."""
    loaded = {r["year"] for r in await rows(q.notice_years(conn))}
    end = today + timedelta(days=horizon_days)
    missing = [y for y in range(today.year, end.year + 1) if y not in loaded and not workdays.covered_by_library(y)]
    first = max(today, date(missing[0], 1, 1)) if missing else None
    return CalendarCoverage(covered=not missing, horizon_days=horizon_days, uncovered_years=missing,
                            first_uncovered_day=first)


_loaded_at = 0.0


async def load_workday_overrides(conn: Any, *, max_age: float = 60.0) -> None:
    """Refresh api.workdays' admin overrides when older than ``max_age`` seconds (every process
    re-reads them, so an admin's edit reaches all API processes and workers within a minute)."""
    global _loaded_at
    if time.monotonic() - _loaded_at < max_age:
        return
    workdays.set_overrides({r["day"]: r["is_workday"] for r in await rows(q.workday_overrides(conn))})
    _loaded_at = time.monotonic()


async def set_workday_override(conn: Any, day: date, is_workday: bool, note: str) -> dict[str, Any]:
    row = await q.set_workday_override(conn, day=day, is_workday=is_workday, note=note)
    await load_workday_overrides(conn, max_age=0)
    return {"day": row["day"].isoformat(), "isWorkday": row["is_workday"], "note": row["note"]}
