"""Fan-out benchmark: enqueue N SMS notifications, drain them through real workers to a local fake
Aliyun (real SDK, signatures checked), and count by OutId.

    python bench/notify_fanout.py [N] [--workers W]

Prints the enqueue time, delivered per second, duplicates and losses. Uses embedded PostgreSQL and
Redis under a temporary directory unless ZSB_DATABASE_URL / ZSB_REDIS_URL are set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

WORKER = """
from arq.worker import Worker
from api.settings import Settings
from jobs.worker import worker_settings
settings = Settings.from_env()
Worker(**worker_settings(settings, ctx={"settings": settings, "quiet_hours": None},
                         max_jobs=int(__import__("os").environ.get("BENCH_MAX_JOBS", "50")))).run()
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (a figure that holds on a machine shared with other
    load, unlike wall-clock rates)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main(n: int, workers: int, max_jobs: int) -> None:
    import asyncpg
    from arq import create_pool as create_arq

    import notify
    from api import devservices
    from api.db import create_pool, transaction
    from api.migrate import migrate
    from jobs import redis_settings
    from notify import queue as notify_queue
    from tests.fakes.aliyun import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyun

    tmp = Path(tempfile.mkdtemp(prefix="zsb-bench-"))
    services = devservices.start(tmp, database_url=os.environ.get("ZSB_DATABASE_URL"),
                                 redis_url=os.environ.get("ZSB_REDIS_URL"))
    fake = FakeAliyun(transport="asyncio")  # the same checks as the tests' fake, at a fraction of the CPU
    procs: list[subprocess.Popen] = []
    try:
        admin = await asyncpg.connect(services.database_url)
        await admin.execute("DROP DATABASE IF EXISTS zsb_bench WITH (FORCE)")
        await admin.execute("CREATE DATABASE zsb_bench")
        await admin.close()
        dsn = services.database_url.replace("/postgres?", "/zsb_bench?") if "/postgres?" in services.database_url \
            else services.database_url.rsplit("/", 1)[0] + "/zsb_bench"
        await migrate(dsn)
        pool = await create_pool(dsn, min_size=2, max_size=4)
        arq = await create_arq(redis_settings(services.redis_url))
        await arq.flushdb()
        notify_queue.use_pool(arq)
        async with pool.acquire() as conn:
            await conn.execute("INSERT INTO users (phone) SELECT '13' || lpad(i::text, 9, '0') "
                               "FROM generate_series(1, $1) i", n)
            user_ids = [r["id"] for r in await conn.fetch("SELECT id FROM users ORDER BY id")]

        started = time.perf_counter()
        for chunk in range(0, n, 500):  # one transaction per 500, as a batch job of another area would
            async with transaction(pool) as conn:
                for user_id in user_ids[chunk:chunk + 500]:
                    await notify.enqueue(conn, user_id=user_id, event="licence_shipped",
                                         params={"serviceName": "道路运输证", "trackingNo": f"EMS{user_id}"},
                                         dedupe_key=f"bench:{user_id}")
        enqueue_s = time.perf_counter() - started
        queued = await arq.zcard("arq:queue")

        env = {k: v for k, v in os.environ.items() if not k.startswith("ZSB_")}
        env.update({"ZSB_ENV": "test", "ZSB_DATABASE_URL": dsn, "ZSB_REDIS_URL": services.redis_url,
                    "ZSB_JWT_SECRET": "x" * 48, "ZSB_SMS_PROVIDER": "aliyun", "ZSB_ALIYUN_ACCESS_KEY_ID": ACCESS_KEY_ID,
                    "ZSB_ALIYUN_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET, "ZSB_ALIYUN_SMS_ENDPOINT": fake.host,
                    "ZSB_ALIYUN_SMS_PROTOCOL": "http", "ZSB_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
                    "BENCH_MAX_JOBS": str(max_jobs)})
        drain_started, own_before = time.perf_counter(), time.process_time()
        procs = [subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers)]
        async with pool.acquire() as conn:
            while True:
                left = await conn.fetchval("SELECT count(*) FROM notifications WHERE channel = 'sms' "
                                           "AND status IN ('created', 'pending')")
                if left == 0 or time.perf_counter() - drain_started > 600:
                    break
                await asyncio.sleep(0.2)
            statuses = dict(await conn.fetch("SELECT status, count(*) FROM notifications WHERE channel = 'sms' "
                                             "GROUP BY status"))
            ids = {r["id"] for r in await conn.fetch("SELECT id FROM notifications WHERE channel = 'sms'")}
        drain_s = time.perf_counter() - drain_started
        worker_cpu = sum(cpu_seconds(p.pid) for p in procs)
        own_cpu = time.process_time() - own_before  # this process while draining: the fake and the polling
        sent = fake.messages()
        out_ids = {int(m["out_id"]) for m in sent}
        duplicates = sum(c - 1 for c in fake.duplicates().values())
        lost = len(ids - out_ids)
        print(f"notifications        {n}")
        print(f"workers              {workers} x max_jobs {max_jobs}")
        print(f"enqueue              {enqueue_s:.2f} s ({n / enqueue_s:.0f}/s, {queued} ids queued to arq)")
        print(f"drain                {drain_s:.2f} s")
        print(f"delivered to fake    {len(out_ids)} ({len(out_ids) / drain_s:.0f}/s)")
        print(f"worker CPU           {worker_cpu:.1f} s = {worker_cpu * 1000 / max(len(out_ids), 1):.2f} ms per message "
              f"({len(out_ids) / max(worker_cpu, 0.001):.0f} messages/s per fully available core)")
        print(f"fake Aliyun          {own_cpu:.1f} s of CPU while draining (load average at the end: {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs)")
        print(f"duplicates by OutId  {duplicates}")
        print(f"lost by OutId        {lost}")
        print(f"signature rejections {fake.rejected_signatures}")
        print(f"row statuses         {statuses}")
        await arq.aclose()
        await pool.close()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        fake.close()
        services.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-jobs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.workers, args.max_jobs))
