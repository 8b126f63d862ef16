"""One phone, one account (F085, F086): a WeChat account binding the phone of an SMS account becomes
that account.

The SMS account (the phone's owner, often years of cases) survives; the WeChat account that binds
is absorbed: every record of the person moves to the survivor (merge.sql names every column that
references users, and the test of the merge checks none is forgotten), its WeChat login moves with
them, and its row stays as an emptied, disabled tombstone (``merged_into``) because append-only
audit rows name it. All in the caller's transaction, with both rows locked in id order: two binds at
once make one merge. Refused when the two accounts are verified as different people (409); the same
person verified twice cannot happen (one verified person <-> one account) and merges as one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.auth import ended
from api.auth.account_errors import AccountsBookingsClash, AccountsDifferentPersons
from api.auth.errors import AccountDisabled, UserNotFound
from api.db import load_queries, rows
from api.types import mask_phone

mq = load_queries(Path(__file__).parents[1], "merge.sql")
aq = load_queries(Path(__file__).parents[1], "accounts.sql")


def settle_queries() -> list[str]:
    return sorted(n for n in mq.available_queries if n.startswith("settle_") and not n.endswith("_cursor"))


def move_queries() -> list[str]:
    """Every move_<table>__<column> query of merge.sql."""
    return sorted(n for n in mq.available_queries if n.startswith("move_") and not n.endswith("_cursor"))


async def kept_columns(conn: Any) -> list[tuple[str, str]]:
    return [(r["table_name"], r["column_name"]) for r in await rows(mq.kept_columns(conn))]


async def merge(conn: Any, redis: Any, *, into_id: int, from_id: int, now: Any, token_minutes: int) -> Any:
    """Merge account ``from_id`` into ``into_id``; returns the survivor's row. The caller holds the
    phone's lock (accounts.sql lock_phone) and has checked that the pair may merge."""
    pair = {r["id"]: r for r in await rows(mq.lock_pair(conn, into_id=into_id, from_id=from_id))}
    survivor, absorbed = pair.get(into_id), pair.get(from_id)
    if survivor is None or absorbed is None or absorbed["closed_at"] is not None:
        raise UserNotFound()
    if survivor["disabled"]:
        raise AccountDisabled()
    verified = {r["user_id"]: bytes(r["id_hash"]) for r in await rows(mq.verified_pair(conn, into_id=into_id,
                                                                                      from_id=from_id))}
    if len(verified) == 2 and verified[into_id] != verified[from_id]:
        raise AccountsDifferentPersons()
    if await mq.bookings_clash(conn, into_id=into_id, from_id=from_id):
        raise AccountsBookingsClash()
    # Ended before anything moves: no token of the absorbed account acts on the moved records.
    await ended.mark(redis, from_id, token_minutes=token_minutes)
    for name in settle_queries():
        query = getattr(mq, name)
        given = {"into_id": into_id, "from_id": from_id, "now": now}
        await query(conn, **{k: v for k, v in given.items() if k in query.parameters})
    for name in move_queries():
        await getattr(mq, name)(conn, into_id=into_id, from_id=from_id)
    await aq.tombstone(conn, id=from_id, into_id=into_id, now=now)
    row = await aq.take_over(conn, id=into_id, openid=absorbed["openid"], unionid=absorbed["unionid"],
                             name=absorbed["name"], company_name=absorbed["company_name"],
                             credit_code=absorbed["credit_code"], now=now)
    await aq.add_event(conn, user_id=into_id, kind="merged", other_user_id=from_id,
                       detail={"phone": mask_phone(survivor["phone"] or ""), "sameVerifiedPerson": len(verified) == 2},
                       face_attempt_id=None, now=now)
    return row
