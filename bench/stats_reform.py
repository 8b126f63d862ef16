"""Time `zsb demo-data --cases N` and `GET /stats/reform` for a whole year on that data.

    .venv/bin/python bench/stats_reform.py [--cases 200000] [--runs 7]

Starts its own embedded PostgreSQL and Redis under a temporary directory (or uses
ZSB_DATABASE_URL / ZSB_REDIS_URL), migrates, seeds, runs the real `zsb demo-data` command in a
subprocess (progress bar and all), then calls the real route through the app and prints the
figures: load time, and the median / max of the whole-year request (target < 500 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def _prepare(dsn: str) -> None:
    import asyncpg

    from api.db import _init_connection
    from api.migrate import migrate
    from api.seed import seed
    from api.settings import Settings

    await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    async with conn.transaction():
        await seed(conn, Settings(env="dev", database_url=dsn, jwt_secret="b" * 48))
    await conn.close()


async def _measure(dsn: str, redis_url: str, end: date, runs: int) -> list[float]:
    from litestar.testing import AsyncTestClient

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(env="dev", database_url=dsn, redis_url=redis_url, jwt_secret="b" * 48, log_json=True,
                        log_level="WARNING")
    async with AsyncTestClient(app=create_app(settings), timeout=60) as client:
        res = await client.post("/api/v1/auth/staff-login", json={"phone": "13900000001", "password": "demo-admin-2026"})
        headers = {"Authorization": f"Bearer {res.json()['accessToken']}"}
        params = {"from": (end - timedelta(days=364)).isoformat(), "to": end.isoformat()}
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            res = await client.get("/api/v1/stats/reform", params=params, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert res.status_code == 200, res.text
        total = res.json()["total"]
        print(f"whole year: {total['cases']} cases, online {total['onlineShare']:.1%}, zero-trip "
              f"{total['zeroTripShare']:.1%}, {total['averageTrips']:.2f} trips/case, instant {total['instantShare']:.1%}, "
              f"{total['averageWorkdaysToDecision']} working days avg (p90 {total['p90WorkdaysToDecision']}), "
              f"{total['ratings']} ratings, four stars or better {total['fourStarsOrBetterShare']:.1%}, "
              f"{len(res.json()['rows'])} period x service rows")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from api import devservices

    tmp = Path(tempfile.mkdtemp(prefix="zsb-bench-stats-"))
    services = devservices.start(tmp, database_url=os.environ.get("ZSB_DATABASE_URL"),
                                 redis_url=os.environ.get("ZSB_REDIS_URL"))
    try:
        asyncio.run(_prepare(services.database_url))
        end = date(2026, 6, 30)
        env = {**os.environ, "ZSB_DATABASE_URL": services.database_url, "ZSB_REDIS_URL": services.redis_url,
               "ZSB_JWT_SECRET": "b" * 48, "ZSB_ENV": "dev"}
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "api.cli", "demo-data", "--cases", str(args.cases), "--end", end.isoformat()],
                       env=env, check=True, cwd=ROOT)
        load_s = time.monotonic() - started
        times = asyncio.run(_measure(services.database_url, services.redis_url, end, args.runs))
        print(f"zsb demo-data --cases {args.cases}: {load_s:.1f} s")
        print(f"GET /stats/reform (whole year, {args.runs} runs, first is cold): first {times[0]:.0f} ms, "
              f"median {statistics.median(times):.0f} ms, max of warm {max(times[1:] or times):.0f} ms (target < 500 ms)")
    finally:
        services.stop()


if __name__ == "__main__":
    main()
