"""The ``zsb demo-data`` and ``zsb stats-rebuild`` commands (registered in api/cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date
from typing import Any

from api.cli_support import load_settings, require_urls, with_conn


def register(sub: Any) -> None:
    p = sub.add_parser("demo-data", help="load a year of simulated activity (cases, visits, ratings) for the figures")
    p.add_argument("--cases", type=int, default=2000, help="how many cases (default 2000; the benchmark uses 200000)")
    p.add_argument("--end", type=date.fromisoformat, default=None, help="last day of the simulated year (default today)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--live", action="store_true",
                   help="instead: a small bureau in motion (demo applicants, a case at every status, queues, chats; "
                        "idempotent; api/demo/live.py)")
    p.set_defaults(fn=cmd_demo_data)
    p = sub.add_parser("stats-rebuild", help="recompute the reform figures' rollups from the cases and ratings "
                                             "(a repair: triggers keep them exact)")
    p.set_defaults(fn=cmd_stats_rebuild)


def cmd_demo_data(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from api.stats.service.demo import load

    if args.cases < 1:
        raise SystemExit("zsb: --cases must be at least 1")
    settings = load_settings()
    require_urls(settings)
    if args.live:
        return cmd_live(settings)
    from api.identity import crypto

    crypto.configure(settings)  # the demo people's ID numbers are encrypted with these settings' keys
    started = time.monotonic()
    with tqdm(total=args.cases, unit="case", desc="demo-data") as bar:
        counts = asyncio.run(with_conn(settings, lambda conn: load(conn, cases=args.cases, end=args.end or date.today(),
                                                                     seed=args.seed, progress=bar.update)))
    asyncio.run(_vacuum(settings))
    print(f"demo-data: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))} "
          f"in {time.monotonic() - started:.1f} s")


async def _vacuum(settings: Any) -> None:
    import asyncpg

    from api.stats.service.demo import vacuum_after_load

    conn = await asyncpg.connect(settings.database_url)  # no transaction: VACUUM cannot run in one
    try:
        await vacuum_after_load(conn)
    finally:
        await conn.close()


def cmd_stats_rebuild(args: argparse.Namespace) -> None:
    from api.stats.service import rebuild_rollups

    settings = load_settings()
    require_urls(settings)
    started = time.monotonic()
    asyncio.run(with_conn(settings, rebuild_rollups))
    print(f"stats-rebuild: done in {time.monotonic() - started:.1f} s")


def cmd_live(settings: Any) -> None:
    """``zsb demo-data --live``: seed the living demo and say what was made."""
    from api.demo.live import DEMO_APPLICANTS, DemoFailed, seed_live  # the whole app: only for this command

    try:
        made = asyncio.run(seed_live(settings))
    except DemoFailed as exc:
        raise SystemExit(f"zsb demo-data --live: {exc}") from None
    print("demo-data --live: " + (", ".join(f"{k} {v}" for k, v in sorted(made.items())) or "already there"))
    for code, name, what in DEMO_APPLICANTS:
        print(f"  {name:<6} WeChat login code {code:<16} {what}")
