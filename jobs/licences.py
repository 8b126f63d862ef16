"""Licence jobs: licences not collected at the window (F131); expiry reminders (issue 22)."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.db import transaction
from api.licences.service import reminders
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


async def remind_expiring_licences(ctx: dict[str, Any]) -> dict[str, int]:
    """Issue 22 (F061/F134): each licence's holder is reminded once 90 days before expiry and once at
    30 days if not renewed. Idempotent: a second run the same day (or any later day) sends nothing
    already sent. ``ctx["today"]`` (tests) or the ctx clock gives the business date."""
    today = ctx.get("today") or clock.today(ctx)
    total = {"days90": 0, "days30": 0}
    while True:
        async with transaction(ctx["pool"]) as conn:
            sent = await reminders.send_due(conn, today)
        total["days90"] += sent[90]
        total["days30"] += sent[30]
        if max(sent.values()) < reminders.BATCH:
            break
    if any(total.values()):
        log.info("licence_reminders", **total)
    return total
