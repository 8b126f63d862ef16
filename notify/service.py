"""The outbox: rows are written in the caller's transaction, sent later by the worker.

Every function here takes a connection first and runs named queries; the delivery pipeline
(notify/delivery.py) calls the claim/finish functions in short transactions of its own.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import structlog

from api.db import after_commit, load_queries
from notify.render import inapp_text
from notify.templates import EVENTS, OA_TEMPLATES

q = load_queries(__file__)
log = structlog.get_logger("zsb.notify")


class UnknownEvent(KeyError):
    """An event that notify/templates.py does not declare (a programming error, not user input)."""


class MissingParams(KeyError):
    """An enqueue without a param its templates show (it would read "-" to the person)."""


# True in the tests (tests/conftest.py): a missing param fails the test that sent it. In production
# the message still goes out (a "-" is better than no message) and the omission is logged loudly.
STRICT_PARAMS = False


@functools.lru_cache(maxsize=None)
def _needed(spec: Any) -> frozenset[str]:
    """Every param the event's in-app text, SMS variables and WeChat data read (once per event)."""
    from string import Formatter

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
    trip: the routing is decided by the ``enqueue`` statement (notify/queries.sql).
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
        _queue_after_commit(conn, [(i, when) for i in ids])
    return ids


# One after-commit hook per transaction collects every id it enqueued, so a transaction that
# notifies 500 people queues 10 batch jobs rather than 500 single ones.
_collected: dict[int, tuple[list[tuple[int, datetime]], Any]] = {}


def _queue_after_commit(conn: Any, ids: list[tuple[int, datetime]]) -> None:
    from api import db

    entry = _collected.get(id(conn))
    # a hook of an earlier transaction on this connection that rolled back is gone: start afresh
    if entry is None or entry[1] not in db._after_commit.get(id(conn), []):
        collected: list[tuple[int, datetime]] = []

        async def flush() -> None:
            if _collected.get(id(conn), (None,))[0] is collected:
                del _collected[id(conn)]
            await _queue(collected)

        after_commit(conn, flush)
        entry = _collected[id(conn)] = (collected, flush)
    entry[0].extend(ids)


async def _queue(ids: list[tuple[int, datetime]]) -> None:
    """Hand the ids to arq in the background; the sweeper re-queues anything that does not make it."""
    from notify.queue import queue_soon

    queue_soon(ids)


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


# --- used by the delivery pipeline -------------------------------------------------------------

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
        after_commit(conn, lambda: _queue([(new_id, datetime.now(timezone.utc))]))
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


async def recent_outbox(conn: Any, *, max_rows: int = 100) -> list[Any]:
    return [r async for r in q.recent_outbox(conn, max_rows=max_rows)]


# --- official-account followers ----------------------------------------------------------------

async def record_follow(conn: Any, *, oa_openid: str, following: bool, at: datetime) -> bool:
    """A follow/unfollow event; True when the follower must still be linked (unionid unknown)."""
    return bool(await q.record_follow(conn, oa_openid=oa_openid, following=following, at=at))


async def unlinked_followers(conn: Any, *, max_rows: int = 100) -> list[str]:
    return [r["oa_openid"] async for r in q.unlinked_followers(conn, max_rows=max_rows)]


async def link_follower(conn: Any, *, oa_openid: str, unionid: str | None, following: bool) -> None:
    """What user/info said: the follower's unionid (which joins it to a user), or that it left."""
    if unionid:
        await q.release_unionid(conn, oa_openid=oa_openid, unionid=unionid)
    await q.link_follower(conn, oa_openid=oa_openid, unionid=unionid, following=following)


# --- the SMS channel's pause (set by the delivery pipeline, lifted by it or by an admin) ---------

async def sms_pause(conn: Any, redis: Any) -> dict[str, Any]:
    """Whether the SMS channel is paused, by which Aliyun code, until when, holding how many."""
    from notify.delivery import PAUSE_KEY

    code, ttl_ms = await redis.get(PAUSE_KEY), await redis.pttl(PAUSE_KEY)
    paused = code is not None and ttl_ms is not None and ttl_ms > 0
    return {"paused": paused, "code": code.decode() if paused else None,
            "resumes_at": datetime.now(timezone.utc) + timedelta(milliseconds=ttl_ms) if paused else None,
            "waiting": await q.held_by_pause(conn)}


async def resume_sms(conn: Any, redis: Any) -> list[int]:
    """Lift the pause now (the account was topped up, the sign approved): every worker may send
    again, and what it held back is due at once; the ids are queued after commit."""
    from notify.delivery import PAUSE_KEY

    await redis.delete(PAUSE_KEY)
    ids = [r["id"] async for r in q.release_paused(conn)]
    if ids:
        now = datetime.now(timezone.utc)
        _queue_after_commit(conn, [(i, now) for i in ids])
    return ids
