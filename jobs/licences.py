"""Licence jobs: licences not collected at the window (F131)."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.licences.service.pickup import lapse_uncollected

log = structlog.get_logger("zsb.jobs.licences")


async def lapse_uncollected_pickups(ctx: dict[str, Any]) -> dict[str, int]:
    """F131: a licence not collected within its 30 days at the window goes by express to the
    account's default address (without one it stays and the applicant is asked once to add one).
    Idempotent: a second run finds nothing more to do. ``ctx["today"]`` (tests) replaces the
    business date."""
    counts = await lapse_uncollected(ctx["pool"], ctx.get("today") or clock.today(ctx))
    if any(counts.values()):
        log.info("pickups_lapsed", **counts)
    return counts
