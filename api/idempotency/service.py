"""Run a creating action once per (caller, scope, key).

The key row is inserted in the request's own transaction: a concurrent retry with the same key
waits on the unique index until the first commits, then reads its stored result; if the first
rolls back, the retry acts. A key reused for a different request body is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Optional, TypeVar

import msgspec
from litestar.params import HeaderParameter

from api.db import load_queries
from api.errors import IdempotencyKeyReused

q = load_queries(__file__)
T = TypeVar("T")

# The header as a route parameter: ``idempotency_key: IdempotencyKey = None``.
IdempotencyKey = Annotated[
    Optional[str],
    HeaderParameter(name="Idempotency-Key", required=False, min_length=1, max_length=200,
                    description="重复提交时使用同一个键，只会执行一次"),
]


def _fingerprint(payload: Any) -> str:
    return hashlib.sha256(msgspec.json.encode(payload, order="sorted")).hexdigest()


async def run_once(conn: Any, *, user_id: int, scope: str, key: str | None, payload: Any,
                   action: Callable[[], Awaitable[T]], result_type: type[T],
                   then: Callable[[T], Awaitable[Any]] | None = None) -> T:
    """``then`` (optional) runs after the result is stored, still in the transaction, and may
    raise to undo everything: the contended write of an action goes there, so the row lock it
    takes is held only until the commit (the booking rush queues on one slot row)."""
    if not key:
        result = await action()
        if then is not None:
            await then(result)
        return result
    request_hash = _fingerprint(msgspec.to_builtins(payload))
    if not await q.claim_key(conn, user_id=user_id, scope=scope, key=key, request_hash=request_hash):
        row = await q.get_key(conn, user_id=user_id, scope=scope, key=key)
        if row["request_hash"] != request_hash or row["response"] is None:
            raise IdempotencyKeyReused()
        return msgspec.convert(row["response"], result_type)
    result = await action()
    await q.save_response(conn, user_id=user_id, scope=scope, key=key,
                          response=msgspec.to_builtins(result))
    if then is not None:
        await then(result)
    return result


async def purge_older_than(conn: Any, *, days: int) -> None:
    await q.purge_older_than(conn, days=days)
