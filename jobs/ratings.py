"""Rating jobs: invite people to rate a finished service, escalate overdue bad-review follow-ups.

Both read the job's clock (``ctx["clock"]`` when a test puts one there); both are safe to
run again (the invitation rows and the escalation marks are written once)."""

from __future__ import annotations

from typing import Any

from api import clock
from api.db import transaction
from api.ratings.service import followup


async def send_rating_invitations(ctx: dict[str, Any]) -> int:
    async with transaction(ctx["pool"]) as conn:
        return await followup.send_invitations(conn, now=clock.now(ctx))


async def escalate_overdue_follow_ups(ctx: dict[str, Any]) -> int:
    async with transaction(ctx["pool"]) as conn:
        return await followup.escalate_overdue(conn, now=clock.now(ctx))
