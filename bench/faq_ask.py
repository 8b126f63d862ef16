"""``GET /api/v1/faq/ask`` latency at 1,000 knowledge-base entries, through the whole app.

    .venv/bin/python bench/faq_ask.py [--entries 1000] [--requests 2000] [--database-url URL]

Starts the embedded PostgreSQL and Redis (or uses the given database server, on a fresh
database), migrates, seeds, grows the knowledge base to N entries with perturbed copies of the
shipped ones (``api.faq.evaluate.grow``: the size and vocabulary spread of a grown knowledge base),
then asks the shipped similar questions and some off-topic ones, shuffled, through the ASGI app
(routing, rate-limit middleware, a pooled connection, the version poll, matching, re-ranking,
catalogue look-ups and the hand-off write). The per-address rate limit (120 a minute) is honoured
by spreading the requests over many client addresses, as many citizens would be. Prints p50, p95,
p99 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api import devservices  # noqa: E402
from api.app import create_app  # noqa: E402
from api.db import create_pool  # noqa: E402
from api.faq import service  # noqa: E402
from api.faq.evaluate import grow  # noqa: E402
from api.faq.index import preload  # noqa: E402
from api.faq.entries import load_entries  # noqa: E402
from api.faq.text import DATA  # noqa: E402
from api.migrate import migrate  # noqa: E402
from api.seed import seed  # noqa: E402
from api.settings import Settings  # noqa: E402

OFF_TOPIC = ["今天会不会下雨", "附近有什么好吃的", "周末去哪里玩比较好", "私家车违章了怎么处理", "手机没电了怎么办",
             "医保卡怎么办理", "孩子上学要什么材料", "怎么申请公租房"]


def percentile(ms: list[float], p: float) -> float:
    return ms[min(len(ms) - 1, int(len(ms) * p))]


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="zsb-bench-faq-"))
    services = devservices.start(tmp, database_url=args.database_url)
    try:
        admin = await asyncpg.connect(services.database_url)
        name = f"bench_faq_{uuid.uuid4().hex[:8]}"
        await admin.execute(f"CREATE DATABASE {name}")
        await admin.close()
        dsn = urlunsplit(urlsplit(services.database_url)._replace(path=f"/{name}"))
        settings = Settings(env="test", database_url=dsn, redis_url=services.redis_url,
                            jwt_secret="bench-" + "x" * 40, var_dir=str(tmp / "var"),
                            storage_dir=str(tmp / "storage"), db_pool_min=1, db_pool_max=4,
                            log_level="WARNING")  # no access line per request in the figures
        await migrate(dsn)
        shipped = load_entries(DATA / "faq.jsonl")
        pool = await create_pool(dsn, min_size=1, max_size=1)  # the app's connection set-up (JSON codecs)
        async with pool.acquire() as setup:
            async with setup.transaction():
                await seed(setup, settings)
                await service.upsert_entries(setup, grow(shipped, args.entries)[len(shipped):])
            active = await setup.fetchval("SELECT count(*) FROM faq_entries WHERE status = 'active'")
        print(f"knowledge base: {active} active entries")
        await pool.close()

        rng = random.Random(7)
        questions = [a for e in shipped for a in e.alternates] + OFF_TOPIC * 10
        rng.shuffle(questions)
        preload().join()  # jieba and the encoder, as at start-up
        app = create_app(settings)
        async with app.lifespan():
            transports = [httpx.ASGITransport(app=app, client=(f"10.0.{i // 250}.{i % 250 + 1}", 40000))
                          for i in range(max(1, args.requests // 100))]
            clients = [httpx.AsyncClient(transport=t, base_url="http://bench") for t in transports]
            # Warm up: the first question builds the index (1,000 entries, their vectors).
            res = await clients[0].get("/api/v1/faq/ask", params={"q": questions[0]})
            assert res.status_code == 200, res.text
            times = []
            for n in range(args.requests):
                started = time.perf_counter()
                res = await clients[n % len(clients)].get("/api/v1/faq/ask", params={"q": questions[n % len(questions)]})
                times.append((time.perf_counter() - started) * 1000)
                assert res.status_code == 200, res.text
            for c in clients:
                await c.aclose()
        ms = sorted(times)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other jobs slow the figures)")
        print(f"GET /faq/ask at {args.entries} entries, {len(ms)} requests: p50 {statistics.median(ms):.2f} ms, "
              f"p95 {percentile(ms, 0.95):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms, max {ms[-1]:.2f} ms")
    finally:
        services.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
