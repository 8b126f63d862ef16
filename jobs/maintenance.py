"""Housekeeping jobs."""

from __future__ import annotations

from typing import Any

from api.db import transaction
from api.idempotency.service import purge_older_than


async def purge_idempotency_keys(ctx: dict[str, Any]) -> None:
    """Idempotency keys protect retries for a day; older ones are dropped."""
    async with transaction(ctx["pool"]) as conn:
        await purge_older_than(conn, days=2)
