"""The reform figures (改革成效) for ``GET /stats/reform``, computed in SQL.

Two grouped queries (cases, ratings) each return per-period-and-service rows, per-period rows and
one overall row (GROUPING SETS); this module only joins the two results by key and turns counts
into shares. The queries read per-day rollups (migration 0115), not the cases: triggers on the
source tables keep them exact in the same transaction as every change, so the figures are as
fresh as the last commit. Working days are counted on ``workday_calendar`` (filled by
``seed_workday_calendar`` from chinese-calendar; ``workday_overrides`` win, and changing either
re-counts the cases whose span holds the changed day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from api.clock import local_day
from api.db import rows
from api.db import load_queries
from api.errors import BadRequest
from api.stats.schemas import Figures, RatingLevels, ReformFigures
from api.workdays import FIXED_HOLIDAYS

q = load_queries(Path(__file__).parents[1])
CALENDAR_FIRST = date(2004, 1, 1)
CALENDAR_LAST = date(2035, 12, 31)
MAX_RANGE_DAYS = 3 * 366


class RangeInvalid(BadRequest):
    """统计区间不正确：开始日期不能晚于结束日期，区间最长3年，且须在2004年至2035年之间。"""

    code = "range_invalid"


def _base_workday(day: date) -> bool:
    """The shipped schedule; years chinese-calendar does not know use api.workdays' documented
    rule (the admin overrides, applied at query time, correct them)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


async def seed_workday_calendar(conn: Any, settings: Any) -> None:
    """Fill ``workday_calendar`` 2004–2035 (idempotent: only changed days are written)."""
    days = [CALENDAR_FIRST + timedelta(days=i) for i in range((CALENDAR_LAST - CALENDAR_FIRST).days + 1)]
    await q.upsert_calendar(conn, days=days, workdays=[_base_workday(d) for d in days])


async def rebuild_rollups(conn: Any) -> None:
    """Recompute the figures' facts and per-day rollups from the sources (``zsb stats-rebuild``)."""
    await q.rebuild_rollups(conn)
    await q.rebuild_outputs(conn)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _key(row: Any) -> tuple[Any, Any, int, int]:
    return (row["period"], row["service_code"], row["all_periods"], row["all_services"])


def _figures(case: Any, rating: Any, output: Any, names: dict[str, str]) -> Figures:
    source = next(r for r in (case, rating, output) if r is not None)
    code = None if source["all_services"] else source["service_code"]
    fig = Figures(period=None if source["all_periods"] else source["period"], service_code=code,
                  service_name=names.get(code) if code else ("咨询服务" if not source["all_services"] else None))
    if case is not None:
        n = case["cases"]
        asked = case["materials_applicable"] - case["materials_exempted"]
        fig.cases, fig.online_cases, fig.zero_trip_cases = n, case["online_cases"], case["zero_trip_cases"]
        fig.online_share, fig.zero_trip_share = _share(fig.online_cases, n), _share(fig.zero_trip_cases, n)
        fig.trips, fig.average_trips = case["trips"], (round(case["trips"] / n, 4) if n else None)
        fig.instant_cases, fig.instant_share = case["instant_cases"], _share(case["instant_cases"], n)
        fig.decided_cases = case["decided_cases"]
        avg = case["avg_workdays"]
        fig.average_workdays_to_decision = round(avg, 2) if avg is not None else None
        fig.p90_workdays_to_decision = case["p90_workdays"]
        fig.materials_applicable, fig.materials_asked = case["materials_applicable"], asked
        fig.materials_exempted = case["materials_exempted"]
        fig.exempted_share = _share(case["materials_exempted"], case["materials_applicable"])
    if rating is not None:
        fig.ratings = rating["ratings"]
        fig.ratings_by_level = RatingLevels(level5=rating["level5"], level4=rating["level4"], level3=rating["level3"],
                                            level2=rating["level2"], level1=rating["level1"])
        fig.four_stars_or_better = rating["level5"] + rating["level4"]
        fig.four_stars_or_better_share = _share(fig.four_stars_or_better, rating["ratings"])
        fig.bad_reviews, fig.bad_reviews_overdue = rating["bad_reviews"], rating["bad_overdue"]
        fig.bad_reviews_followed_up_on_time = rating["bad_on_time"]
        fig.bad_reviews_on_time_share = _share(rating["bad_on_time"], rating["bad_reviews"])
    if output is not None:
        fig.licences_issued = output["licences_issued"]
        fig.consultations = output["consultations"]
        fig.consultations_answered_by_person = output["consultations_by_person"]
        fig.consultations_by_person_share = _share(output["consultations_by_person"], output["consultations"])
    return fig


async def reform(conn: Any, *, from_date: date, to_date: date, service_code: str | None, period: str,
                 now: datetime) -> ReformFigures:
    if from_date > to_date or (to_date - from_date).days > MAX_RANGE_DAYS \
            or from_date < CALENDAR_FIRST or to_date > CALENDAR_LAST:
        raise RangeInvalid(fromDate=from_date.isoformat(), toDate=to_date.isoformat())
    cases = await rows(q.case_figures(conn, period=period, from_day=from_date, to_day=to_date,
                                      service_code=service_code))
    ratings = await rows(q.rating_figures(conn, period=period, from_day=from_date, to_day=to_date,
                                          service_code=service_code, today=local_day(now)))
    outputs = await rows(q.output_figures(conn, period=period, from_day=from_date, to_day=to_date,
                                          service_code=service_code))
    names = {r["code"]: r["name"] for r in await rows(q.service_names(conn))}
    by_case = {_key(r): r for r in cases}
    by_rating = {_key(r): r for r in ratings}
    by_output = {_key(r): r for r in outputs}
    keys = sorted(set(by_case) | set(by_rating) | set(by_output),
                  key=lambda k: (k[2], k[0] or date.min, k[3], k[1] or ""))
    figures = [(k, _figures(by_case.get(k), by_rating.get(k), by_output.get(k), names)) for k in keys]
    total = next((f for k, f in figures if k[2]), None) or Figures(period=None, service_code=None, service_name=None)
    return ReformFigures(from_date=from_date, to_date=to_date, period=period, service_code=service_code,
                         rows=[f for k, f in figures if not k[2] and not k[3]],
                         periods=[f for k, f in figures if not k[2] and k[3]], total=total)
