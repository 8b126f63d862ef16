"""The outbox: ``enqueue`` writes notification rows in the caller's transaction."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import structlog

from api.db import after_commit, load_queries
from notify.templates import EVENTS

q = load_queries(__file__)
log = structlog.get_logger("zsb.notify")


async def enqueue(conn: Any, *, user_id: int, event: str, params: dict[str, Any], dedupe_key: str,
                  subject: tuple[str, int] | None = None, not_before: datetime | None = None) -> list[int]:
    """Write one outbox row per channel for this event; returns the ids of the new rows."""
    spec = EVENTS[event]
    contact = await q.user_contact(conn, user_id=user_id)
    if contact is None:
        return []
    channels = ["inapp"]
    if "wechat" in spec.channels and contact["openid"]:
        channels.append("wechat")
    if "sms" in spec.channels and contact["phone"] and ("wechat" not in channels or spec.sms_always):
        channels.append("sms")
    ids: list[int] = []
    for channel in channels:
        row_id = await q.insert_notification(
            conn, user_id=user_id, event=event, channel=channel, params=params, dedupe_key=dedupe_key,
            subject_type=subject[0] if subject else None, subject_id=subject[1] if subject else None,
            status="sent" if channel == "inapp" else "created",
            not_before=not_before or datetime.now(timezone.utc),
        )
        if row_id is not None and channel != "inapp":
            ids.append(row_id)
    if ids:
        after_commit(conn, lambda: _queue(conn, ids))
    return ids


async def _queue(conn: Any, ids: list[int]) -> None:
    """Hand the ids to arq; the sweeper re-queues anything that does not make it."""
    from notify.queue import queue_ids

    await queue_ids(ids)
