"""Deadlines of complaints (FAQ F144: answered within 5 working days).

The clock is the job's (``api.clock``: ``ctx["clock"]`` when a test puts one there). Each run re-reads
the rows and acts through conditional updates, so the reminder and the escalation happen once
per complaint however often the cron fires."""

from __future__ import annotations

from typing import Any

import structlog

from api.clock import local_now
from api.complaints.service.deadlines import escalate_overdue, remind_due
from api.db import transaction

log = structlog.get_logger("zsb.jobs.complaints")


async def watch_complaint_deadlines(ctx: dict[str, Any]) -> dict[str, int]:
    now = local_now(ctx)
    async with transaction(ctx["pool"]) as conn:
        reminded = await remind_due(conn, now)
        escalated = await escalate_overdue(conn, now)
    if reminded or escalated:
        log.info("complaint_deadlines", reminded=reminded, escalated=escalated)
    return {"reminded": len(reminded), "escalated": len(escalated)}
