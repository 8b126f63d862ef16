"""Rating jobs: invite people to rate a finished service, escalate overdue bad-review follow-ups.

Both read the clock from ``ctx["ratings_clock"]`` when a test puts one there; both are safe to
run again (the invitation rows and the escalation marks are written once)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from api.db import transaction
from api.ratings import service_followup


def _now(ctx: dict[str, Any]) -> datetime:
    clock = ctx.get("ratings_clock")
    return clock() if clock else datetime.now(timezone.utc)


async def send_rating_invitations(ctx: dict[str, Any]) -> int:
    async with transaction(ctx["pool"]) as conn:
        return await service_followup.send_invitations(conn, now=_now(ctx))


async def escalate_overdue_follow_ups(ctx: dict[str, Any]) -> int:
    async with transaction(ctx["pool"]) as conn:
        return await service_followup.escalate_overdue(conn, now=_now(ctx))
