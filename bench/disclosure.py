"""Public disclosure and licence verification against a large licence library.

    .venv/bin/python bench/disclosure.py [--licences 200000] [--requests 200]
                                         [--database-url URL]

Starts the embedded PostgreSQL (or uses the given server, on a fresh database), migrates,
seeds, writes 20,000 holders (1 in 5 a company: a verified enterprise holding its businesses'
licences) and N licences issued over the last year, then
times the service calls the public routes make (the HTTP layer is rate-limited per address, so
it is left out): the default 30-day disclosure page, one service over a whole year, and
verifying a QR token. Prints p50 / p95 / max in milliseconds and calls per second.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiosql
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api import devservices  # noqa: E402
from api.db import create_pool, init_connection  # noqa: E402
from api.disclosure import service, signing  # noqa: E402
from api.migrate import migrate  # noqa: E402
from api.seed import seed  # noqa: E402
from api.settings import Settings  # noqa: E402

q = aiosql.from_path(Path(__file__).with_suffix(".sql"), "asyncpg")
TYPES = ["road_transport_permit", "dangerous_goods_permit", "oversize_permit", "taxi_driver_qualification",
         "ridehail_driver_qualification", "ridehail_vehicle_permit", "repair_filing_receipt"]


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(f"{name:<34} p50 {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   max {ms[-1]:7.2f} ms"
          f"   {len(ms) / sum(times):8.1f} /s")


async def timed(n: int, call) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        await call(i)
        out.append(time.perf_counter() - start)
    return out


async def main(args: argparse.Namespace) -> None:
    tmp = tempfile.mkdtemp(prefix="zsb-bench-disclosure-")
    services = devservices.start(Path(tmp), database_url=args.database_url, redis_url="redis://unused")
    try:
        admin = await asyncpg.connect(services.database_url)
        name = f"bench_disclosure_{uuid.uuid4().hex[:8]}"
        await admin.execute(f"CREATE DATABASE {name}")
        await admin.close()
        dsn = urlunsplit(urlsplit(services.database_url)._replace(path=f"/{name}"))
        settings = Settings(env="test", database_url=dsn, jwt_secret="bench-" + "x" * 40)
        await migrate(dsn)
        setup = await asyncpg.connect(dsn)  # no statement timeout while writing the data
        await init_connection(setup)
        async with setup.transaction():
            await seed(setup, settings)
            started = time.perf_counter()
            await q.make_holders(setup, n=20000, company_every=5)
            await q.make_licences(setup, n=args.licences, types=TYPES, first_holder=await q.first_holder(setup))
            await q.make_enterprises(setup)  # businesses' licences are their enterprises' (issue 20, F092)
            await q.enterprise_licences(setup)
        await q.analyze(setup)
        ids = [r["id"] async for r in q.some_licence_ids(setup, n=args.requests)]
        await setup.close()
        pool = await create_pool(dsn, min_size=1, max_size=4)
        print(f"{args.licences} licences written in {time.perf_counter() - started:.1f} s")
        tokens = [signing.make_token(settings, i, datetime.now()) for i in ids]

        async with pool.acquire() as conn:
            async def page(i: int) -> None:
                await service.decisions(conn, service_code=None, date_from=None, date_to=None, limit=100,
                                        offset=(i % 5) * 100)

            async def year(i: int) -> None:
                await service.decisions(conn, service_code="freight-operating-permit",
                                        date_from=date.today() - timedelta(days=365), date_to=date.today(),
                                        limit=100, offset=0)

            async def verify(i: int) -> None:
                await service.verify(conn, settings, tokens[i % len(tokens)])

            first = await service.decisions(conn, service_code=None, date_from=None, date_to=None, limit=100,
                                            offset=0)
            print(f"default page: {len(first.companies)} companies, "
                  f"{sum(f.granted for f in first.individuals)} permits of people counted")
            report("decisions, last 30 days, page", await timed(args.requests, page))
            report("decisions, one service, 1 year", await timed(max(20, args.requests // 4), year))
            report("verify a token", await timed(args.requests * 5, verify))
        await pool.close()
    finally:
        services.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
