"""The applicant's rights during a case (issue 23): answers owed within 1 working day that did not
come — a manual re-review (F051) and a 催办 (F109) — are escalated to the leads, once each; so is a
repair filing's on-site check not done within its 30 days (F071).

The day is the job's clock (``ctx["today"]`` or ``ctx["clock"]`` in tests, else the system's)."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.applications import service as applications
from api.approvals.service import site_checks, urging
from api.catalogue import service as catalogue
from api.db import transaction

log = structlog.get_logger("zsb.jobs.rights")


async def escalate_overdue_answers(ctx: dict[str, Any]) -> dict[str, int]:
    today, now = ctx.get("today") or clock.today(ctx), clock.now(ctx)
    async with transaction(ctx["pool"]) as conn:
        await catalogue.load_workday_overrides(conn)
        counts = {"rereviews": await applications.escalate_rereviews(conn, today, now),
                  "urgings": await urging.escalate_overdue(conn, today, now),
                  "siteChecks": await site_checks.escalate_overdue(conn, today, now)}
    if any(counts.values()):
        log.info("rights_answers_escalated", **counts)
    return counts
