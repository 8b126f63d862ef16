"""Helpers for the notification tests."""

from __future__ import annotations

from typing import Any

import notify


async def accepted(db: Any, user_id: int, key: str, service_name: str = "道路普通货物运输经营许可") -> list[int]:
    """Queue the "application submitted" notification of the user under ``key``: the ids to send."""
    async with db.transaction():
        return await notify.enqueue(db, user_id=user_id, event="application_submitted",
                                    params={"serviceName": service_name, "publicNo": "WZ-20261122-000001"},
                                    dedupe_key=key, subject=("application", 1))
