"""The asyncpg pool, the per-request transaction, after-commit hooks and the query loader."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosql
import asyncpg
import msgspec
import structlog
from litestar.datastructures import State

from api.errors import DomainError

log = structlog.get_logger("zsb.db")

# Keyed by id(conn): pool connection proxies cannot be weakly referenced. Entries live only until
# the transaction that registered them ends (commit runs them, rollback drops them).
_after_commit: dict[int, list[Callable[[], Awaitable[Any]]]] = {}


def load_queries(module_file: str | Path, name: str = "queries.sql") -> Any:
    """The named queries in ``name`` beside ``module_file`` (a module's ``__file__``), or in it when it is
    a folder: a ``service/`` package's modules pass their domain folder, where the .sql files live."""
    path = Path(module_file)
    return aiosql.from_path((path if path.is_dir() else path.parent) / name, "asyncpg")


async def rows(results: Any) -> list[Any]:
    """aiosql 15 yields the rows of a multi-row query; most callers want the list."""
    return [r async for r in results]


async def init_connection(conn: asyncpg.Connection) -> None:
    """JSON in and out through msgspec: every connection of ours, pooled or direct (scripts, tests)."""
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=lambda v: msgspec.json.encode(v).decode(),
                                  decoder=msgspec.json.decode, schema="pg_catalog")


async def _reset_connection(conn: asyncpg.Connection) -> None:
    """Released connections: our transactions always end, and we keep no session state (no
    session advisory locks, LISTEN, cursors or SET), so asyncpg's default reset query — one more
    round trip per request — is only needed when a transaction was left open."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 20,
                      statement_cache_size: int = 100) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=init_connection, reset=_reset_connection,
        statement_cache_size=statement_cache_size, command_timeout=30,
        server_settings={"timezone": "Asia/Shanghai", "application_name": "zsb"},
    )


def after_commit(conn: Any, callback: Callable[[], Awaitable[Any]]) -> None:
    """Run ``callback`` once the request's transaction has committed (skipped on rollback)."""
    _after_commit.setdefault(id(conn), []).append(callback)


class _Batch:
    """The items of one key collected over a transaction, handed to ``flush`` once after commit."""

    def __init__(self, key: str, flush: Callable[[list[Any]], Awaitable[Any]]) -> None:
        self.key, self.flush = key, flush
        self.items: list[Any] = []

    async def __call__(self) -> None:
        await self.flush(self.items)


def after_commit_batch(conn: Any, key: str, items: list[Any],
                       flush: Callable[[list[Any]], Awaitable[Any]]) -> None:
    """Add ``items`` to this transaction's batch ``key``: once it has committed, ``flush`` runs
    once with every item added (skipped on rollback, like ``after_commit``). A transaction that
    notifies 500 people queues 10 batch jobs rather than 500 single ones."""
    hooks = _after_commit.setdefault(id(conn), [])
    batch = next((h for h in hooks if isinstance(h, _Batch) and h.key == key), None)
    if batch is None:
        batch = _Batch(key, flush)
        hooks.append(batch)
    batch.items.extend(items)


async def run_after_commit(conn: Any) -> None:
    for callback in _after_commit.pop(id(conn), []):
        try:
            await callback()
        except Exception:  # the outbox sweeper re-queues what could not be queued now
            log.warning("after_commit_failed", exc_info=True)


def discard_after_commit(conn: Any) -> None:
    _after_commit.pop(id(conn), None)


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncGenerator[asyncpg.Connection, None]:
    """One connection and one transaction: leaving normally commits, an exception rolls back
    (unless it is a domain error that keeps its changes). After-commit hooks run after commit."""
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield conn
        except BaseException as exc:
            keep = isinstance(exc, DomainError) and exc.keep_changes
            try:
                await (tx.commit() if keep else tx.rollback())
            except Exception:  # the connection may be gone; the original error matters more
                log.warning("transaction_end_failed", exc_info=True)
                keep = False
            if keep:
                await run_after_commit(conn)
            else:
                discard_after_commit(conn)
            raise
        await tx.commit()
        await run_after_commit(conn)


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """One connection and one transaction per request: return commits, an exception rolls back."""
    async with transaction(state.pool) as conn:
        yield conn


async def provide_read_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """A connection in a read-only transaction, from the replica when one is configured (catalogue,
    FAQ). Read-only on the primary too, so a write sneaking onto this path fails in every test
    rather than only in production. An unreachable replica falls back to the primary: these reads
    may be a moment stale, but must not go down with the replica."""
    replica = state.get("replica_pool")
    conn = None
    if replica is not None:
        try:
            conn = await replica.acquire(timeout=2)
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.warning("replica_unavailable_reading_primary", exc_info=True)
    if conn is not None:
        try:
            async with conn.transaction(readonly=True):
                yield conn
        finally:
            await replica.release(conn)
        return
    async with state.pool.acquire() as conn, conn.transaction(readonly=True):
        yield conn
