"""SIGTERM is how every process manager (Kubernetes, systemd, compose) stops us: API processes
stop accepting, finish what they are serving and close their pools; workers stop taking jobs and
finish the running ones. In-flight work is made to last by holding a row lock it waits for."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

import httpx
import pytest
from arq import create_pool
from arq.jobs import Job, JobStatus

from api.cli import GRACEFUL_SECONDS
from jobs import redis_settings
from tests.deploy import stack

# The two SIGTERM tests are timed (grace periods, arq's polls): make test runs them alone (see the
# Makefile). The liveness check is not: it waits up to 90 s for a worker to start, and talks only to
# this test's Redis (each pytest-xdist worker has its own server), so it runs with the rest.
serial = pytest.mark.serial


async def _wait_for_lock_waiter(db, timeout: float = 15.0) -> None:
    """Until some other backend of this database is blocked on a lock we hold."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await db.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
        waiting = await db.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("nothing came to wait on the lock")


async def _seconds_until_not_served(base: str, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            async with httpx.AsyncClient(base_url=base, timeout=2) as fresh:
                await fresh.get("/healthz")
        except httpx.TransportError:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    return None


async def _exited(proc: stack.Proc, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.popen.poll() is None:
        await asyncio.sleep(0.1)
    return proc.popen.poll()


@serial
@pytest.mark.slow
@pytest.mark.parametrize("server", ["uvicorn", "granian"])
async def test_sigterm_finishes_in_flight_requests_and_refuses_new_ones(server, dsn, redis_url, db, tmp_path):
    port = stack.free_port()
    api = stack.serve("api", tmp_path, stack.zsb_env(dsn, redis_url), port=port, workers=2, server=server)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            login = (await http.post("/api/v1/auth/wechat", json={"code": "dev-grace"})).json()
            refresh_token, user_id = login["refreshToken"], login["user"]["id"]

            lock = db.transaction()
            await lock.start()
            await db.execute("SELECT 1 FROM refresh_tokens WHERE user_id = $1 FOR UPDATE", user_id)
            in_flight = asyncio.create_task(http.post("/api/v1/auth/refresh", json={"refreshToken": refresh_token}))
            await _wait_for_lock_waiter(db)

            api.signal(signal.SIGTERM)
            # New requests stop being served (refused, or never answered) once the signal has
            # reached the server processes, while the held one waits.
            refused_after = await _seconds_until_not_served(base, limit=20)
            assert refused_after is not None, "still serving new requests 20 s after SIGTERM"
            assert api.popen.poll() is None and not in_flight.done(), "the in-flight request was dropped"

            await lock.rollback()
            res = await asyncio.wait_for(in_flight, 20)
        assert res.status_code == 200, res.text
        assert res.json()["refreshToken"] != refresh_token
        # Within the grace period (plus start-up slack): granian waits that long for a worker still
        # running its lifespan start-up when the signal came, then kills it.
        assert await _exited(api, GRACEFUL_SECONDS + 20) == 0, api.tail()
        assert "Killing worker" not in api.log.read_text(errors="replace"), api.tail()  # each stopped, none killed
        used = await db.fetchval("SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND used_at IS NOT NULL",
                                 user_id)
        assert used == 1  # the in-flight transaction committed before the process left
        left = await db.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND application_name = 'zsb'")
        assert left == 0, "the API left connections open"
    finally:
        api.stop(5)


@serial
@pytest.mark.slow
async def test_sigterm_lets_the_running_job_finish_and_takes_no_new_one(dsn, redis_url, db, tmp_path):
    await db.execute("INSERT INTO idempotency_keys (user_id, scope, key, request_hash, created_at) "
                     "VALUES (1, 'test', 'old', 'h', now() - interval '3 days')")
    lock = db.transaction()
    await lock.start()
    await db.execute("SELECT 1 FROM idempotency_keys WHERE key = 'old' FOR UPDATE")
    worker = stack.worker("worker", tmp_path, stack.zsb_env(dsn, redis_url))
    arq = await create_pool(redis_settings(redis_url))
    try:
        await arq.enqueue_job("purge_idempotency_keys", _job_id="running-at-sigterm")
        await _wait_for_lock_waiter(db, timeout=30)

        worker.signal(signal.SIGTERM)
        await asyncio.sleep(1.0)
        await arq.enqueue_job("purge_idempotency_keys", _job_id="queued-after-sigterm")
        await asyncio.sleep(1.5)  # three of arq's polls: a worker still taking jobs would take it
        assert worker.popen.poll() is None, "the worker quit with a job running"

        await lock.rollback()
        assert await _exited(worker, 30) == 0, worker.tail()
        first = await Job("running-at-sigterm", arq).result_info()
        assert first is not None and first.success
        assert await Job("queued-after-sigterm", arq).status() == JobStatus.queued
        assert await db.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = 'old'") == 0
    finally:
        await arq.aclose()
        worker.stop(5)


@pytest.mark.slow
async def test_the_worker_liveness_check_sees_this_hosts_worker(dsn, redis_url, tmp_path):
    env = stack.zsb_env(dsn, redis_url)
    check = [sys.executable, "-m", "api.cli", "worker", "--check"]

    def alive() -> int:
        return subprocess.run(check, env=env, cwd=stack.ROOT, capture_output=True, timeout=60).returncode

    assert await asyncio.to_thread(alive) == 1  # no worker has run here yet
    worker = stack.worker("worker", tmp_path, env)
    try:
        deadline = time.monotonic() + 90  # the worker imports the whole app first
        while await asyncio.to_thread(alive) != 0:
            assert time.monotonic() < deadline and worker.popen.poll() is None, worker.tail()
            await asyncio.sleep(0.5)
    finally:
        worker.stop(10)
