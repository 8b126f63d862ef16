"""The daily check that the working-day calendar knows the days ahead."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.catalogue.service.calendar import coverage
from api.db import transaction

log = structlog.get_logger("zsb.workdays")


async def check_workday_calendar(ctx: dict[str, Any]) -> bool:
    """Alert (once a day, from cron) while the next 60 days run into a year neither chinese-calendar
    nor a loaded State Council notice covers: deadlines there are provisional until an admin loads it."""
    today = clock.today(ctx)
    async with transaction(ctx["pool"]) as conn:
        result = await coverage(conn, today)
    if not result.covered:
        log.error("workday_calendar_not_loaded", years=result.uncovered_years,
                  first_day=result.first_uncovered_day.isoformat() if result.first_uncovered_day else None,
                  action="load the State Council's notice: PUT /api/v1/admin/workday-notices/{year} "
                         "or zsb load-workdays", alert=True)
    return result.covered
