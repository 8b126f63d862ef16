"""Exam jobs: exam years over (F123)."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.exams.service.lapse import lapse_overdue_exams as lapse

log = structlog.get_logger("zsb.jobs.exams")


async def lapse_overdue_exams(ctx: dict[str, Any]) -> dict[str, int]:
    """F123: a qualification case that has not passed every subject within a year of its first exam
    ends (closed, 需重新提交申请), its retakes booked after that year are cancelled and the applicant
    is told once. Idempotent: a second run finds nothing more to do. ``ctx["today"]`` (tests)
    replaces the business date, the job's clock (``ctx["clock"]``) the moment of the cancellations."""
    counts = await lapse(ctx["pool"], ctx.get("today") or clock.today(ctx), clock.now(ctx),
                         ctx.get("appointment_policy"))
    if any(counts.values()):
        log.info("exams_lapsed", **counts)
    return counts
