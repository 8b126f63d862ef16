"""Identity jobs: the 1-working-day review of uploaded documents (F090)."""

from __future__ import annotations

from typing import Any

import structlog

from api.clock import local_now
from api.db import transaction
from api.identity.reminders import flag_overdue, remind_due

log = structlog.get_logger("zsb.jobs.identity")


async def watch_identity_documents(ctx: dict[str, Any]) -> dict[str, int]:
    """Remind reviewers of documents due today; flag and escalate overdue ones. Once each per
    document (conditional updates), however often it runs. The clock is the job's (``api.clock``)."""
    now = local_now(ctx)
    async with transaction(ctx["pool"]) as conn:
        reminded = await remind_due(conn, now)
        overdue = await flag_overdue(conn, now)
    if reminded or overdue:
        log.info("identity_document_deadlines", reminded=reminded, overdue=overdue)
    return {"reminded": len(reminded), "overdue": len(overdue)}
