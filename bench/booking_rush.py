"""The booking rush: M distinct people fire at K seats at once, over HTTP, against N API processes.

    .venv/bin/python bench/booking_rush.py [--workers 2] [--users 5000] [--seats 300] [--slots 10]
                                           [--concurrency 48] [--server granian|uvicorn]
                                           [--database-url URL --redis-url URL]

Starts the embedded PostgreSQL and Redis (or uses the given ones, on a fresh database of their
server), migrates, seeds, creates M applicants with real access tokens and K seats spread over
S window slots of one day, then runs `zsb serve --workers N` as a subprocess and fires one
POST /api/v1/appointments per person (at most --concurrency in flight, each with its own
Idempotency-Key). The client is aiohttp on uvloop, the cheapest well-kept Python client: it
shares the 2 CPUs with the server, so every millisecond it spends is one the API does not get
(measured here: 0.24-0.36 ms of client CPU per request, httpx 3.3-4.0 ms). Prints bookings made,
oversold seats (must be 0), people with two bookings (must be 0), attempts per second, p50/p99
latency (also per answer) and errors (5xx, transport errors, or any answer other than 201 /
409 slot_full). Exits non-zero when a hard target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import aiosql
import asyncpg
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api import clock, devservices  # noqa: E402
from api.appointments.calendar import horizon_end  # noqa: E402
from api.appointments.schemas import GenerateIn  # noqa: E402
from api.appointments.slots import generate  # noqa: E402
from api.auth.tokens import jwt_auth  # noqa: E402
from api.db import create_pool, init_connection, transaction  # noqa: E402
from api.migrate import migrate  # noqa: E402
from api.seed import seed  # noqa: E402
from api.settings import Settings  # noqa: E402

q = aiosql.from_path(Path(__file__).with_suffix(".sql"), "asyncpg")
SERVICE = "freight-operating-permit"
SITE = "city-service-centre"
SECRET = "bench-secret-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def fresh_database(server_url: str) -> str:
    name = f"rush_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


async def prepare(dsn: str, *, users: int, seats: int, slots: int) -> tuple[list[str], list[int], dict[int, int]]:
    """Schema, shipped data, M people with tokens, K seats over S slots of one day."""
    await migrate(dsn)
    settings = Settings(env="test", database_url=dsn, jwt_secret=SECRET)
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        async with transaction(pool) as conn:
            await seed(conn, settings)
            day = horizon_end(clock.today(), 2)  # the next working day but one
            site = await q.site_id(conn, code=SITE)
            await generate(conn, GenerateIn(site_id=site, service_code=SERVICE, date_from=day, date_to=day,
                                            capacity=max(1, seats // slots)))
            chosen = [r async for r in q.rush_slots(conn, service_code=SERVICE, day=day, n=slots)]
            if len(chosen) < slots:
                sys.exit(f"booking_rush: only {len(chosen)} slots a day at {SITE}; use --slots <= {len(chosen)}")
            capacity = {r["id"]: seats // slots + (1 if i < seats % slots else 0) for i, r in enumerate(chosen)}
            for slot_id, cap in capacity.items():
                await q.set_capacity(conn, id=slot_id, capacity=cap)
            ids = [r["id"] async for r in q.make_users(conn, prefix=f"rush-{uuid.uuid4().hex[:6]}", n=users)]
    finally:
        await pool.close()
    auth = jwt_auth(settings)
    # verified persons (F088): the booking reads the access token's claim, never an identity row
    tokens = [auth.create_token(identifier=str(i),
                                token_extras={"typ": "access", "roles": ["applicant"], "steps": [], "idv": True})
              for i in ids]
    return tokens, list(capacity), capacity


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of every process in the API's process group: a figure that holds
    on a machine shared with other load, unlike wall-clock rates."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def start_api(*, workers: int, port: int, dsn: str, redis_url: str, log: Path,
              server: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZSB_DATABASE_URL": dsn, "ZSB_REDIS_URL": redis_url, "ZSB_JWT_SECRET": SECRET,
           "ZSB_ENV": "test", "ZSB_LOG_LEVEL": "WARNING", "ZSB_PORT": str(port)}
    out = log.open("wb")
    return subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--workers", str(workers), "--port", str(port),
                             "--server", server],
                            cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)


async def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession(base) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                sys.exit("booking_rush: the API exited during start-up")
            try:
                async with client.get("/readyz", timeout=aiohttp.ClientTimeout(total=2)) as res:
                    if res.status == 200:
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.3)
    sys.exit("booking_rush: the API did not become ready in 60 s")


async def warm_up(base: str, token: str, concurrency: int, pgid: int) -> None:
    """Open every process's connections and prepare its statements with reads, not bookings;
    then wait until the processes are idle (the FAQ model loads in a thread after start-up)."""
    async with aiohttp.ClientSession(base, headers={"Authorization": f"Bearer {token}"}) as client:
        async def read() -> None:
            async with client.get("/api/v1/slots", params={"serviceCode": SERVICE}) as res:
                await res.read()

        await asyncio.gather(*(read() for _ in range(4 * concurrency)))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        before = group_cpu_seconds(pgid)
        await asyncio.sleep(0.5)
        if group_cpu_seconds(pgid) - before < 0.05:
            return


async def rush(base: str, tokens: list[str], slot_ids: list[int], concurrency: int) -> tuple[list[float], Counter, dict[str, list[float]], float]:
    rng = random.Random(42)
    targets = [rng.choice(slot_ids) for _ in tokens]
    latencies: list[float] = []
    outcomes: Counter = Counter()
    by_answer: dict[str, list[float]] = {}
    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client:
        async def one(token: str, slot_id: int) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    async with client.post("/api/v1/appointments", json={"slotId": slot_id},
                                           headers={"Authorization": f"Bearer {token}",
                                                    "Idempotency-Key": uuid.uuid4().hex}) as res:
                        body = await res.json(content_type=None)
                        code = body.get("code", "") if res.status != 201 else ""
                        answer = f"{res.status} {code}".strip()
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                    answer = f"transport {type(exc).__name__}"
                outcomes[answer] += 1
                latencies.append(time.perf_counter() - started)
                by_answer.setdefault(answer, []).append(latencies[-1])

        began = time.perf_counter()
        await asyncio.gather(*(one(t, s) for t, s in zip(tokens, targets)))
        wall = time.perf_counter() - began
    return latencies, outcomes, by_answer, wall


async def audit(dsn: str, slot_ids: list[int]) -> tuple[int, int, int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        await init_connection(conn)
        rows = [r async for r in q.audit(conn, ids=slot_ids)]
        duplicates = await q.duplicate_bookers(conn, service_code=SERVICE)
    finally:
        await conn.close()
    booked = sum(r["booked"] for r in rows)
    oversold = sum(max(0, r["booked"] - r["capacity"]) for r in rows)
    drift = sum(abs(r["booked"] - r["seats_taken"]) for r in rows)  # counter vs real bookings
    return booked, oversold, duplicates, drift


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def by_answer_line(by_answer: dict[str, list[float]]) -> str:
    return "; ".join(f"{answer}: p50 {pct(v, 50) * 1000:.1f} ms, p99 {pct(v, 99) * 1000:.1f} ms"
                     for answer, v in sorted(by_answer.items()))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="API processes (zsb serve --workers)")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=48, help="requests in flight at most")
    parser.add_argument("--server", choices=["granian", "uvicorn"], default="granian")
    parser.add_argument("--database-url", help="a PostgreSQL server (a fresh database is created on it)")
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="rush-")
    services = devservices.start(Path(tmp.name), database_url=args.database_url, redis_url=args.redis_url)
    proc = None
    try:
        dsn = await fresh_database(services.database_url)
        t0 = time.perf_counter()
        tokens, slot_ids, capacity = await prepare(dsn, users=args.users, seats=args.seats, slots=args.slots)
        print(f"prepared {len(tokens)} people and {sum(capacity.values())} seats in {len(slot_ids)} slots "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)
        port = free_port()
        proc = start_api(workers=args.workers, port=port, dsn=dsn, redis_url=services.redis_url,
                         log=Path(tmp.name) / "api.log", server=args.server)
        base = f"http://127.0.0.1:{port}"
        await wait_ready(base, proc)
        await warm_up(base, tokens[0], args.concurrency, proc.pid)
        cpu_before, load = group_cpu_seconds(proc.pid), os.getloadavg()[0]
        latencies, outcomes, by_answer, wall = await rush(base, tokens, slot_ids, args.concurrency)
        api_cpu = group_cpu_seconds(proc.pid) - cpu_before
        booked, oversold, duplicates, drift = await audit(dsn, slot_ids)
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        services.stop()
        tmp.cleanup()

    made = outcomes.get("201", 0)
    errors = sum(n for k, n in outcomes.items() if k not in ("201", "409 slot_full"))
    rate = len(latencies) / wall
    p50, p99 = pct(latencies, 50) * 1000, pct(latencies, 99) * 1000
    print(f"""
booking rush: {args.users} people -> {args.seats} seats in {args.slots} slots, {args.workers} API processes ({args.server}),
              {args.concurrency} requests in flight, {os.cpu_count()} CPUs shared with this client
  bookings made        {made} (in the database: {booked}; seats counter drift: {drift})
  oversold             {oversold}
  duplicate bookings   {duplicates} people with two
  attempts             {len(latencies)} in {wall:.2f} s = {rate:.0f} attempts/s
  latency              p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies) * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms
                       {by_answer_line(by_answer)}
  answers              {dict(sorted(outcomes.items()))}
  errors               {errors}
  API CPU              {api_cpu * 1000 / len(latencies):.2f} ms per attempt, i.e. {len(latencies) / api_cpu:.0f} attempts/s per fully available core
                       (load average when the rush began: {load:.1f} on {os.cpu_count()} CPUs)
targets: 0 oversold, 0 errors, p99 < 300 ms, >= 500 attempts/s""")
    ok = oversold == 0 and duplicates == 0 and errors == 0 and drift == 0 and made == booked
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(uvloop.run(main()))
