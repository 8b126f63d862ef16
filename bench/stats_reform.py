"""Time `zsb demo-data --cases N` and `GET /stats/reform` for a whole year on that data.

    .venv/bin/python bench/stats_reform.py [--cases 200000] [--runs 9] [--dir DIR] [--skip-load]

Starts its own embedded PostgreSQL and Redis under DIR (default: a temporary directory; or uses
ZSB_DATABASE_URL / ZSB_REDIS_URL), migrates, seeds, runs the real `zsb demo-data` command in a
subprocess (progress bar and all), then starts the real server (`zsb serve`, uvicorn, one
process) and calls the route over HTTP: the median and the worst of the whole-year requests
(target < 500 ms). `--dir` keeps the loaded data; `--skip-load` measures it again (after
applying any new migration).

It then checks that the figures are exact: the rollups the route reads must give, row by row,
what the straight computation over every case gives (bench/stats_reform.sql, the route's query
before migration 0115), and it prints how long that straight computation takes.
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
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api import devservices  # noqa: E402
from api.clock import ZONE  # noqa: E402
from api.db import load_queries  # noqa: E402
from tests.deploy import stack  # noqa: E402

direct = load_queries(__file__, "stats_reform.sql")
END = date(2026, 6, 30)


async def _prepare(dsn: str, *, seed_data: bool) -> None:
    import asyncpg

    from api.db import init_connection
    from api.migrate import migrate
    from api.seed import seed
    from api.settings import Settings

    await migrate(dsn)
    if not seed_data:
        return
    conn = await asyncpg.connect(dsn)
    await init_connection(conn)
    async with conn.transaction():
        await seed(conn, Settings(env="dev", database_url=dsn, jwt_secret=stack.JWT_SECRET))
    await conn.close()


def _measure(port: int, runs: int) -> tuple[list[float], dict[str, Any]]:
    base = f"http://127.0.0.1:{port}/api/v1"
    with httpx.Client(base_url=base, timeout=120) as client:
        res = client.post("/auth/staff-login", json={"phone": "13900000001", "password": "demo-admin-2026"})
        res.raise_for_status()
        headers = {"Authorization": f"Bearer {res.json()['accessToken']}"}
        params = {"from": (END - timedelta(days=364)).isoformat(), "to": END.isoformat()}
        times, me = [], []
        for _ in range(runs):
            started = time.perf_counter()
            res = client.get("/stats/reform", params=params, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert res.status_code == 200, res.text
            started = time.perf_counter()
            client.get("/me", headers=headers).raise_for_status()
            me.append((time.perf_counter() - started) * 1000)
    # GET /me (token check + one small query) shows what the stack and the machine's load cost alone
    print(f"GET /me alongside, for scale: median {statistics.median(me):.0f} ms, worst {max(me):.0f} ms")
    return times, res.json()


async def _check_exact(dsn: str) -> tuple[int, float]:
    """Compare the rollup figures with the straight computation; return rows compared and its ms."""
    import asyncpg

    from api.db import rows
    from api.stats.service.figures import CALENDAR_LAST, q

    conn = await asyncpg.connect(dsn)
    try:
        from_date, to_date = END - timedelta(days=364), END
        from_ts = datetime.combine(from_date, datetime.min.time(), ZONE)
        to_ts = datetime.combine(to_date + timedelta(days=1), datetime.min.time(), ZONE)
        today = date.today()
        compared = 0
        straight_ms = 0.0
        for period in ("month", "week", "day"):
            started = time.perf_counter()
            old_cases = await rows(direct.direct_case_figures(conn, period=period, from_ts=from_ts, to_ts=to_ts,
                                                         service_code=None, first_day=from_date - timedelta(days=1),
                                                         last_day=CALENDAR_LAST))
            old_ratings = await rows(direct.direct_rating_figures(conn, period=period, from_ts=from_ts, to_ts=to_ts,
                                                                  service_code=None, today=today))
            if period == "month":
                straight_ms = (time.perf_counter() - started) * 1000
            new_cases = await rows(q.case_figures(conn, period=period, from_day=from_date, to_day=to_date,
                                                  service_code=None))
            new_ratings = await rows(q.rating_figures(conn, period=period, from_day=from_date, to_day=to_date,
                                                      service_code=None, today=today))
            for old, new in ((old_cases, new_cases), (old_ratings, new_ratings)):
                def key(r: Any) -> tuple:
                    return (r["all_periods"], r["all_services"], r["period"] or date.min, r["service_code"] or "")
                a = {key(r): dict(r) for r in old}
                b = {key(r): dict(r) for r in new}
                if set(a) != set(b):
                    raise SystemExit(f"rows differ ({period}): only straight {sorted(set(a) - set(b))[:5]}, "
                                     f"only rollup {sorted(set(b) - set(a))[:5]}")
                for k, row in a.items():
                    for column, value in row.items():
                        if b[k][column] != value:
                            raise SystemExit(f"{period} {k} {column}: straight {value!r}, rollup {b[k][column]!r}")
                compared += len(a)
        # licences issued and consultations (migration 0190): the trigger-kept rollup equals a
        # recomputation from the licences and conversations themselves
        kept = sorted(tuple(r) for r in await conn.fetch("SELECT * FROM stats_output_daily WHERE licences_issued <> 0 "
                                                         "OR consultations <> 0 OR consultations_by_person <> 0"))
        recomputed = sorted(tuple(r) for r in await conn.fetch(
            "SELECT day, service_code, sum(licences_issued), sum(consultations), sum(consultations_by_person) "
            "FROM stats_output_rows() GROUP BY 1, 2"))
        if kept != recomputed:
            raise SystemExit(f"licences issued / consultations rollup differs: {len(kept)} vs {len(recomputed)} days")
        compared += len(kept)
        return compared, straight_ms
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--dir", type=Path, default=None, help="keep the embedded servers' data here")
    parser.add_argument("--skip-load", action="store_true", help="measure the data already under --dir")
    args = parser.parse_args()

    workdir = args.dir or Path(tempfile.mkdtemp(prefix="zsb-bench-stats-"))
    services = devservices.start(workdir, database_url=os.environ.get("ZSB_DATABASE_URL"),
                                 redis_url=os.environ.get("ZSB_REDIS_URL"))
    server = None
    try:
        asyncio.run(_prepare(services.database_url, seed_data=not args.skip_load))
        env = stack.zsb_env(services.database_url, services.redis_url, ZSB_ENV="dev")
        if not args.skip_load:
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "api.cli", "demo-data", "--cases", str(args.cases),
                            "--end", END.isoformat()], env=env, check=True, cwd=ROOT)
            print(f"zsb demo-data --cases {args.cases}: {time.monotonic() - started:.1f} s")
        port = stack.free_port()
        server = stack.serve("stats-bench", workdir / "logs", env, port=port)
        times, body = _measure(port, args.runs)
        total = body["total"]
        print(f"whole year: {total['cases']} cases, online {total['onlineShare']:.1%}, zero-trip "
              f"{total['zeroTripShare']:.1%}, {total['averageTrips']:.2f} trips/case, instant {total['instantShare']:.1%}, "
              f"{total['averageWorkdaysToDecision']} working days avg (p90 {total['p90WorkdaysToDecision']}), "
              f"{total['ratings']} ratings, four stars or better {total['fourStarsOrBetterShare']:.1%}, "
              f"materials exempted {total['exemptedShare']:.1%} ({total['materialsExempted']} of "
              f"{total['materialsApplicable']}), {total['licencesIssued']} electronic licences issued, "
              f"{len(body['rows'])} period x service rows")
        warm = times[1:] or times
        print(f"GET /stats/reform over HTTP (whole year, {args.runs} runs): first {times[0]:.0f} ms, "
              f"median {statistics.median(warm):.0f} ms, worst {max(warm):.0f} ms of the warm runs (target < 500 ms)")
        compared, straight_ms = asyncio.run(_check_exact(services.database_url))
        print(f"exact: {compared} figure rows (month, week, day) equal the straight computation over every case, "
              f"which takes {straight_ms:.0f} ms for the month view")
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine)")
    finally:
        if server is not None:
            server.stop()
        services.stop()


if __name__ == "__main__":
    main()
