"""Approval jobs: task deadlines, uncollected pickups (F131), exam years over (F123)."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.approvals.service_deadlines import run_deadlines
from api.db import transaction
from api.exams.service_lapse import lapse_overdue_exams as lapse
from api.licences.service_pickup import lapse_uncollected

log = structlog.get_logger("zsb.jobs.approvals")


async def remind_approval_deadlines(ctx: dict[str, Any]) -> dict[str, int]:
    """Remind approvers of tasks with one working day left; escalate overdue ones to the step's
    lead. Idempotent: each task is reminded and escalated at most once. ``ctx["today"]`` (tests)
    replaces the business date."""
    async with transaction(ctx["pool"]) as conn:
        counts = await run_deadlines(conn, ctx.get("today"))
    if any(counts.values()):
        log.info("approval_deadlines", **counts)
    return counts


async def lapse_uncollected_pickups(ctx: dict[str, Any]) -> dict[str, int]:
    """F131: a licence not collected within its 30 days at the window goes by express to the
    account's default address (without one it stays and the applicant is asked once to add one).
    Idempotent: a second run finds nothing more to do. ``ctx["today"]`` (tests) replaces the
    business date."""
    counts = await lapse_uncollected(ctx["pool"], ctx.get("today") or clock.today(ctx))
    if any(counts.values()):
        log.info("pickups_lapsed", **counts)
    return counts


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
