"""The API and the worker behind pgbouncer in transaction mode (ZSB_DB_STATEMENT_CACHE_SIZE=0).

asyncpg prepares every query; with its statement cache on it names them (__asyncpg_stmt_N__)
and reuses them in later transactions, which pgbouncer may run on another server connection.
aiosql's asyncpg adapter goes through the same fetch/execute calls, so the one setting covers it.
"""

from __future__ import annotations

import asyncio

import asyncpg
import msgspec
import pytest
from arq import create_pool
from arq.worker import Worker
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.db import create_pool as create_db_pool
from jobs import redis_settings
from jobs.worker import worker_settings
from tests.deploy.stack import bouncer_dsn
from tests.factories import bearer


async def _traffic(client: AsyncTestClient) -> list[int]:
    """Logins and token refreshes (twelve: login routes allow 30 requests a minute per address),
    then a burst of reads on the same pool: transactions, and queries outside any transaction."""
    async def user(i: int) -> list[int]:
        login = await client.post("/api/v1/auth/wechat", json={"code": f"dev-bouncer{i}"})
        if login.status_code != 200:
            return [login.status_code]
        body = login.json()
        again = await client.post("/api/v1/auth/refresh", json={"refreshToken": body["refreshToken"]})
        reads = await asyncio.gather(*(client.get("/api/v1/me", headers=bearer(body["accessToken"]))
                                       for _ in range(8)), *(client.get("/readyz") for _ in range(8)))
        return [login.status_code, again.status_code, *(r.status_code for r in reads)]

    return [s for statuses in await asyncio.gather(*(user(i) for i in range(12))) for s in statuses]


def _through(settings, dsn: str, port: int, cache: int):
    return msgspec.structs.replace(settings, database_url=bouncer_dsn(dsn, port), db_statement_cache_size=cache,
                                   db_pool_min=6, db_pool_max=12)


async def test_the_api_works_through_pgbouncer_in_transaction_mode(settings, dsn, bouncer, db):
    async with AsyncTestClient(app=create_app(_through(settings, dsn, bouncer, 0)), timeout=30) as client:
        statuses = await _traffic(client)
    assert set(statuses) == {200} and len(statuses) == 12 * 18
    assert await db.fetchval("SELECT count(*) FROM users WHERE openid LIKE 'sandbox-bouncer%'") == 12
    assert await db.fetchval("SELECT count(*) FROM refresh_tokens WHERE used_at IS NOT NULL") == 12


async def _mixed_queries(dsn: str, cache: int) -> None:
    pool = await create_db_pool(dsn, min_size=6, max_size=6, statement_cache_size=cache)
    try:
        async def one(i: int) -> None:
            async with pool.acquire() as conn:
                await conn.fetchval("SELECT $1::int + 1", i)
                async with conn.transaction():
                    await conn.fetchval("SELECT $1::jsonb", {"i": i})

        await asyncio.gather(*(one(i) for i in range(400)))
    finally:
        await pool.close()


async def test_only_the_statement_cache_setting_makes_asyncpg_safe_behind_pgbouncer(dsn, bouncer):
    # Pins why the setting exists, and that the fixture really runs pgbouncer in transaction mode.
    await _mixed_queries(bouncer_dsn(dsn, bouncer), cache=0)
    with pytest.raises(asyncpg.InvalidSQLStatementNameError):
        await _mixed_queries(bouncer_dsn(dsn, bouncer), cache=100)


async def test_the_worker_runs_jobs_through_pgbouncer(settings, dsn, redis_url, bouncer, db):
    await db.execute("INSERT INTO idempotency_keys (user_id, scope, key, request_hash, created_at) "
                     "VALUES (1, 'test', 'stale', 'h', now() - interval '3 days')")
    through = msgspec.structs.replace(settings, database_url=bouncer_dsn(dsn, bouncer), db_statement_cache_size=0)
    # Only the queued jobs: the crons belong to other tests.
    worker = Worker(**worker_settings(through, burst=True, handle_signals=False, poll_delay=0.05, cron_jobs=[]))
    arq = await create_pool(redis_settings(redis_url))
    for i in range(3):
        await arq.enqueue_job("purge_idempotency_keys", _job_id=f"purge-{i}")
    await arq.aclose()
    await worker.main()
    await worker.close()
    assert worker.jobs_complete == 3 and worker.jobs_failed == 0
    assert await db.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = 'stale'") == 0
