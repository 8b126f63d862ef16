"""Deadlines of applications."""

from __future__ import annotations

from typing import Any

import structlog

from api import clock
from api.applications.service import close_unsupplemented
from api.db import transaction

log = structlog.get_logger("zsb.jobs.applications")


async def close_unsupplemented_applications(ctx: dict[str, Any]) -> int:
    """FAQ F098: a gap notice not answered within 20 working days (or by the date its one
    extension moved it to) closes the case, with notice. Idempotent: a case supplemented or
    extended meanwhile is skipped, a closed one is not due any more. Today is the job clock's
    (``ctx["clock"]`` when a test puts one there)."""
    async with transaction(ctx["pool"]) as conn:
        closed = await close_unsupplemented(conn, on=clock.today(ctx), now=clock.now(ctx))
    if closed:
        log.info("applications_closed_unsupplemented", count=len(closed), ids=closed)
    return len(closed)
