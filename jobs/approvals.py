"""Approval jobs: task deadlines."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.approvals.service.deadlines import run_deadlines
from api.db import transaction

log = structlog.get_logger("zsb.jobs.approvals")


async def remind_approval_deadlines(ctx: dict[str, Any]) -> dict[str, int]:
    """Remind approvers of tasks with one working day left; escalate overdue ones to the step's
    lead. Idempotent: each task is reminded and escalated at most once. The job's clock
    (``ctx["clock"]`` in tests) dates it; ``ctx["today"]`` (tests) replaces the business date."""
    async with transaction(ctx["pool"]) as conn:
        counts = await run_deadlines(conn, clock.now(ctx), ctx.get("today"))
    if any(counts.values()):
        log.info("approval_deadlines", **counts)
    return counts
