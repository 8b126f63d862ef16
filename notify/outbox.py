"""The outbox, the API other domains call: rows are written in the caller's transaction, sent
later by the worker (notify/delivery.py), their ids queued on arq once the transaction commits.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, timezone
from string import Formatter
from typing import Any

import msgspec
import structlog

from api.db import after_commit_batch, load_queries
from notify.queue import queue_soon
from notify.render import inapp_text
from notify.templates import EVENTS, EventSpec
from notify.wechat_templates import OA_TEMPLATES

q = load_queries(__file__, "outbox.sql")
log = structlog.get_logger("zsb.notify")


class UnknownEvent(KeyError):
    """An event that notify/templates.py does not declare (a programming error, not user input)."""


class MissingParams(KeyError):
    """An enqueue without a param its templates show (it would read "-" to the person)."""


# True in the tests (tests/conftest.py): a missing param fails the test that sent it. In production
# the message still goes out (a "-" is better than no message) and the omission is logged loudly.
STRICT_PARAMS = False


@functools.lru_cache(maxsize=None)
def _needed(spec: EventSpec) -> frozenset[str]:
    """Every param the event's in-app text, SMS variables and WeChat data read (once per event)."""
    names = {field for _, field, _, _ in Formatter().parse(spec.inapp_text) if field}
    names |= set(spec.sms_params)
    names |= {source for _, _, source in spec.wechat_data if not source.startswith("=")}
    return frozenset(names)


async def enqueue(conn: Any, *, user_id: int | None, event: str, params: dict[str, Any], dedupe_key: str,
                  subject: tuple[str, int] | None = None, not_before: datetime | None = None,
                  phone: str | None = None, expires_at: datetime | None = None) -> list[int]:
    """Write the outbox rows of this event in the caller's transaction; returns the ids to send.

    In-app copy always (for a known user). WeChat when the user has an openid and an unused
    authorisation for the event's template (used up here, atomically), else the official
    account's template message when the user follows it; SMS when a phone is known and WeChat
    is not used, or always for events that go out by both. A repeated dedupe key
    writes nothing. ``phone`` sends to a number without an account (login codes). One round
    trip: the routing is decided by the ``enqueue`` statement (notify/outbox.sql).
    """
    spec = EVENTS.get(event)
    if spec is None:
        raise UnknownEvent(event)
    missing = sorted(_needed(spec) - params.keys())
    if missing:
        if STRICT_PARAMS:
            raise MissingParams(f"{event}: {missing}")
        log.error("notification_params_missing", notify_event=event, missing=missing, alert=True)
    when = not_before or datetime.now(timezone.utc)
    ids = [r["id"] async for r in q.enqueue(
        conn, user_id=user_id, phone=phone, event=event, params=params, dedupe_key=dedupe_key,
        subject_type=subject[0] if subject else None, subject_id=subject[1] if subject else None,
        not_before=when, urgent=spec.urgent, expires_at=expires_at,
        inapp_content=inapp_text(spec, params) if spec.inapp else None,
        wechat_template=(spec.wechat_template or None) if "wechat" in spec.channels else None,
        oa_template=OA_TEMPLATES.get(spec.wechat_template) if "wechat" in spec.channels else None,
        want_sms="sms" in spec.channels, sms_always=spec.sms_always,
    )]
    if ids:
        queue_after_commit(conn, [(i, when) for i in ids])
    return ids


async def tell_staff(conn: Any, staff_ids: Iterable[int], *, event: str, key: str, subject: tuple[str, int],
                     title: str, due_on: date, **params: Any) -> None:
    """A staff notice about one item (a task, request or check past or near its day) to each of
    ``staff_ids`` once: the dedupe key is ``key`` and the member. WeChat's thing field holds 20
    characters, so ``title`` is cut there; ``params``: the event's other fields."""
    for staff_id in dict.fromkeys(staff_ids):
        await enqueue(conn, user_id=staff_id, event=event, dedupe_key=f"{key}:{staff_id}", subject=subject,
                      params={"taskTitle": title[:20], "dueDate": due_on.isoformat(), **params})


async def escalate_once(conn: Any, overdue: Iterable[Any], *, mark: Callable[[Any], Awaitable[Any]],
                        recipients: Callable[[Any], Awaitable[list[int]]], event: str, key: str, title: str,
                        **params: Any) -> int:
    """Each overdue item of a case (a row with ``id``, ``application_id``, ``public_no`` and
    ``due_on``) whose ``mark`` takes it (a conditional update returning None once taken: once
    however often the job runs) is told to ``recipients(row)``; ``key`` and ``title`` are prefixes
    of the item's dedupe key and notice title. Returns how many were escalated now."""
    escalated = 0
    for row in overdue:
        if await mark(row) is None:
            continue
        await tell_staff(conn, await recipients(row), event=event, key=f"{key}:{row['id']}",
                         subject=("application", row["application_id"]), title=f"{title}{row['public_no'] or ''}",
                         due_on=row["due_on"], publicNo=row["public_no"], **params)
        escalated += 1
    return escalated


async def _queue(ids: list[tuple[int, datetime]]) -> None:
    queue_soon(ids)


def queue_after_commit(conn: Any, ids: list[tuple[int, datetime]]) -> None:
    """Queue (id, due) pairs once the caller's transaction commits, all of a transaction's ids
    together; in the background: the sweeper re-queues anything that does not make it."""
    after_commit_batch(conn, "notify", ids, _queue)


async def cancel_pending(conn: Any, *, subject: tuple[str, int], events: list[str] | None = None) -> int:
    """Cancel the not-yet-sent messages about ``subject`` (all, or only ``events``) in the caller's
    transaction. A worker re-reads the row before sending and sends nothing once it is cancelled."""
    return await q.cancel_pending(conn, subject_type=subject[0], subject_id=subject[1], events=events)


async def record_subscriptions(conn: Any, *, user_id: int, accepted: list[str], rejected: list[str] = []) -> None:
    """Record WeChat subscribe answers: each accepted template id allows one more message."""
    if accepted:
        counts = Counter(accepted)
        await q.add_subscriptions(conn, user_id=user_id, template_ids=list(counts), counts=list(counts.values()))
    if rejected:
        await q.reject_subscriptions(conn, user_id=user_id, template_ids=sorted(set(rejected)))


class OutboxRow(msgspec.Struct, frozen=True):
    """A message as the dev outbox shows it, with every address it may go to."""

    id: int
    event: str
    channel: str
    status: str
    content: str | None
    error: str | None
    attempts: int
    provider_ref: str | None
    created_at: datetime
    sent_at: datetime | None
    phone: str | None
    openid: str | None
    template_id: str | None
    oa_openid: str | None


async def recent_outbox(conn: Any, *, max_rows: int = 100) -> list[OutboxRow]:
    """The latest rows of every channel but in-app (the dev outbox)."""
    return [msgspec.convert(dict(r), OutboxRow) async for r in q.recent_outbox(conn, max_rows=max_rows)]
