"""The worker's side of the outbox: claim rows, put them back, record outcomes and receipts.

Only the delivery pipeline (notify/delivery.py) calls these, each in a short transaction of its
own: a row is claimed in one, the provider is called with no connection held, the outcome is
recorded in another.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from api.db import load_queries
from notify.outbox import queue_after_commit

q = load_queries(__file__, "store.sql")


async def claim(conn: Any, notification_id: int, *, lease_seconds: float) -> Any:
    rows = await claim_many(conn, [notification_id], lease_seconds=lease_seconds)
    return rows[0] if rows else None


async def claim_many(conn: Any, ids: list[int], *, lease_seconds: float) -> list[Any]:
    return [r async for r in q.claim_many(conn, ids=ids, lease_seconds=float(lease_seconds))]


async def put_back(conn: Any, notification_id: int, *, not_before: datetime, error: str | None = None,
                   uncertain: bool = False, count_attempt: bool = True) -> Any:
    return await q.put_back(conn, id=notification_id, not_before=not_before, error=error, uncertain=uncertain,
                            count_attempt=count_attempt)


async def finish(conn: Any, notification_id: int, *, status: str, provider_ref: str | None = None,
                 provider_status: str | None = None, error: str | None = None, content: str | None = None,
                 scrub_params: bool = False) -> bool:
    return await q.finish(conn, id=notification_id, status=status, provider_ref=provider_ref,
                          provider_status=provider_status, error=error, content=content,
                          scrub_params=scrub_params) is not None


async def finish_many(conn: Any, outcomes: list[tuple[int, dict[str, Any]]]) -> None:
    """``finish`` for many rows in one statement: (id, the keyword arguments of ``finish``)."""
    def column(name: str, default: Any = None) -> list[Any]:
        return [outcome.get(name, default) for _, outcome in outcomes]

    await q.finish_many(conn, ids=[i for i, _ in outcomes], statuses=column("status"),
                        provider_refs=column("provider_ref"), provider_statuses=column("provider_status"),
                        errors=column("error"), contents=column("content"), scrub=column("scrub_params", False))


async def fall_back_to_sms(conn: Any, notification_id: int, *, user_id: int | None = None,
                           template_id: str | None = None, given_back: str | None = None,
                           unfollowed: str | None = None) -> int | None:
    """WeChat did not take the message: send it by SMS instead (same dedupe key, so an event that
    goes by SMS anyway gets no second one), and note why: no authorisation left for the subscribe
    ``template_id``, the authorisation reserved for ``given_back`` unused (WeChat refused the data),
    or the ``unfollowed`` official-account openid no longer follows."""
    if user_id is not None and template_id:
        await q.spend_all_subscriptions(conn, user_id=user_id, template_id=template_id)
    if user_id is not None and given_back:
        await q.give_back_subscription(conn, user_id=user_id, template_id=given_back)
    if unfollowed:
        await q.mark_unfollowed(conn, oa_openid=unfollowed)
    new_id = await q.fallback_row(conn, id=notification_id)
    if new_id is not None:
        queue_after_commit(conn, [(new_id, datetime.now(timezone.utc))])
    return new_id


async def due_ids(conn: Any, *, lease_seconds: float, max_rows: int = 5000) -> list[tuple[int, datetime]]:
    rows = [r async for r in q.due_ids(conn, lease_seconds=float(lease_seconds), max_rows=max_rows)]
    return [(r["id"], r["not_before"]) for r in rows]


async def awaiting_receipt(conn: Any, *, max_rows: int = 500) -> list[Any]:
    return [r async for r in q.awaiting_receipt(conn, max_rows=max_rows)]


async def record_receipt(conn: Any, notification_id: int, *, status: str, provider_status: str) -> bool:
    return await q.record_receipt(conn, id=notification_id, status=status,
                                  provider_status=provider_status) is not None


async def expire_sending(conn: Any, *, hours: int = 72) -> int:
    return await q.expire_sending(conn, hours=hours)
