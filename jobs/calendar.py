"""The daily check that the working-day calendar knows the days ahead."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import structlog

from api.catalogue.service_calendar import coverage
from api.clock import now
from api.db import transaction

log = structlog.get_logger("zsb.workdays")
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def check_workday_calendar(ctx: dict[str, Any]) -> bool:
    """Alert (once a day, from cron) while the next 60 days run into a year neither chinese-calendar
    nor a loaded State Council notice covers: deadlines there are provisional until an admin loads it."""
    today = now(ctx).astimezone(SHANGHAI).date()
    async with transaction(ctx["pool"]) as conn:
        result = await coverage(conn, today)
    if not result.covered:
        log.error("workday_calendar_not_loaded", years=result.uncovered_years,
                  first_day=result.first_uncovered_day.isoformat() if result.first_uncovered_day else None,
                  action="load the State Council's notice: PUT /api/v1/admin/workday-notices/{year} "
                         "or zsb load-workdays", alert=True)
    return result.covered
