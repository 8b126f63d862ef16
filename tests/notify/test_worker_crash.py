"""A worker killed with SIGKILL in the middle of a batch loses nothing and sends nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from arq import create_pool

import notify
from api.db import create_pool as create_db_pool, transaction
from jobs import redis_settings
from notify.queue import queue_ids
from tests.conftest import live_sms_settings

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
from arq.worker import Worker
from api.settings import Settings
from jobs.worker import worker_settings
settings = Settings.from_env()
# a short lease and job timeout so the restarted worker takes over the dead one's claims quickly
Worker(**worker_settings(settings, ctx={"settings": settings, "quiet_hours": None, "notify_lease_seconds": 1,
                                         "uncertain_min_delay": 0.5},
                         job_timeout=3, poll_delay=0.05, max_jobs=40)).run()
"""


def _start_worker(settings) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZSB_")}
    env.update({"ZSB_ENV": "test", "ZSB_DATABASE_URL": settings.database_url, "ZSB_REDIS_URL": settings.redis_url,
                "ZSB_JWT_SECRET": settings.jwt_secret, "ZSB_SMS_PROVIDER": "aliyun",
                "ZSB_ALIYUN_ACCESS_KEY_ID": settings.aliyun_access_key_id,
                "ZSB_ALIYUN_ACCESS_KEY_SECRET": settings.aliyun_access_key_secret,
                "ZSB_ALIYUN_SMS_ENDPOINT": settings.aliyun_sms_endpoint, "ZSB_ALIYUN_SMS_PROTOCOL": "http",
                "ZSB_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.slow
async def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(settings, db, fake_aliyun):
    live = live_sms_settings(settings, fake_aliyun)
    n = 400
    await db.execute("INSERT INTO users (phone) SELECT '1380000' || lpad(i::text, 4, '0') FROM generate_series(1, $1) i", n)
    pool = await create_db_pool(live.database_url, min_size=1, max_size=2)
    arq = await create_pool(redis_settings(live.redis_url))
    try:
        async with transaction(pool) as conn:
            ids = []
            for user_id in await conn.fetch("SELECT id FROM users WHERE phone LIKE '1380000%' ORDER BY id"):
                ids += await notify.enqueue(conn, user_id=user_id["id"], event="licence_shipped",
                                            params={"serviceName": "道路运输证", "trackingNo": f"EMS{user_id['id']}"},
                                            dedupe_key=f"ship:{user_id['id']}")
        await queue_ids(ids, pool=arq)
    finally:
        await arq.aclose()
        await pool.close()
    assert len(ids) == n
    # Aliyun records each message, then answers slowly: a kill leaves sends the worker never heard back about.
    fake_aliyun.slow_after_record = 0.3
    first = _start_worker(live)
    try:
        deadline = time.monotonic() + 60
        while len(fake_aliyun.messages()) < n // 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    sent_before_restart = len(fake_aliyun.messages())
    in_flight = await db.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending'")
    assert 0 < sent_before_restart < n and in_flight > 0  # really killed in the middle, with sends in flight
    fake_aliyun.slow_after_record = 0.0
    second = _start_worker(live)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            left = await db.fetchval("SELECT count(*) FROM notifications WHERE channel = 'sms' AND status IN ('created', 'pending')")
            if left == 0:
                break
            await asyncio.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(15)
        except subprocess.TimeoutExpired:
            second.kill()
    statuses = dict(await db.fetch("SELECT status, count(*) FROM notifications WHERE channel = 'sms' GROUP BY status"))
    # accepted by Aliyun: 'sending' (awaiting the receipt), or 'delivered' when the lookup by OutId saw the receipt
    assert set(statuses) <= {"sending", "delivered"} and sum(statuses.values()) == n
    assert fake_aliyun.duplicates() == {}
    assert sorted(int(m["out_id"]) for m in fake_aliyun.messages()) == sorted(ids)
    # the rows the dead worker left in flight were found at Aliyun by OutId, not sent again
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE attempts > 1") >= 1
