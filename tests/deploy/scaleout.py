"""The scale-out run: Debian's nginx in front of two API processes and two workers, sharing one
PostgreSQL (through Debian's pgbouncer in transaction mode) and one Redis, all on loopback.

``bench/scaleout.py`` runs it at full size and prints the figures; tests/deploy/test_scaleout.py
runs a small one in CI. Phases, each checked against the database or the fake Aliyun:

- a booking rush through nginx: more people than seats, some pressing twice -> 0 oversold, 0 duplicates;
- a second rush with one API process SIGKILLed part-way -> the other keeps serving, still 0 oversold;
- SIGTERM to an API process while requests are in flight at it -> they all complete;
- a fan-out of SMS drained by both workers, one of them restarted (SIGTERM) part-way -> 0 duplicates, 0 lost.

Clients behave as the mini-program does: a POST that fails in transit is retried with the same
Idempotency-Key; that is what makes a dead process harmless.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from arq import create_pool as create_arq

from api import clock, devservices
from api.db import create_pool, transaction
from api.migrate import migrate
from api.seed import seed
from api.settings import Settings
from jobs import redis_settings
from tests.deploy import stack
from tests.factories import person_of

# A worker exactly as `zsb worker` builds it, with quiet hours off so a fan-out run does not
# depend on the time of day (non-urgent SMS otherwise wait for 08:00 Asia/Shanghai).
WORKER = """
import socket
from arq.worker import Worker
from api import logging
from api.settings import Settings
from jobs.worker import worker_settings
settings = Settings.from_env()
logging.configure(settings.log_level, settings.log_json)
Worker(**worker_settings(settings, ctx={"settings": settings, "quiet_hours": None},
                         health_check_key=f"arq:health-check:{socket.gethostname()}-{__import__('os').getpid()}",
                         health_check_interval=30)).run()
"""


@dataclass(frozen=True)
class Scale:
    rush_users: int
    capacity: int
    messages: int
    in_flight: int
    concurrency: int
    server: str = "uvicorn"


SMALL = Scale(rush_users=40, capacity=8, messages=200, in_flight=4, concurrency=20)
FULL = Scale(rush_users=800, capacity=150, messages=10_000, in_flight=8, concurrency=100)


@dataclass
class Figures:
    lines: list[tuple[str, Any]] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: Any, label: str | None = None) -> None:
        self.values[key] = value
        self.lines.append((label or key, value))
        print(f"  {label or key:<52} {value}", flush=True)


class Cluster:
    """PostgreSQL + pgbouncer + Redis + fake Aliyun + 2 API processes + nginx + 2 workers."""

    def __init__(self, workdir: Path, server: str = "uvicorn") -> None:
        self.workdir = workdir
        self.server = server
        self.stack = stack.Stack()
        self.services: devservices.Embedded | None = None
        self.fake: Any = None
        self.api_ports: list[int] = []
        self.apis: list[stack.Proc | None] = [None, None]
        self.workers: list[stack.Proc | None] = [None, None]

    async def start(self) -> None:
        from tests.fakes.aliyun import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyun

        for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            os.environ.pop(var, None)
        os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
        self.services = devservices.start(self.workdir / "services")
        admin = await asyncpg.connect(self.services.database_url)
        await admin.execute("DROP DATABASE IF EXISTS zsb_scaleout WITH (FORCE)")
        await admin.execute("CREATE DATABASE zsb_scaleout")
        await admin.close()
        # Migrations and seed data straight to PostgreSQL (as the migration Job does) ...
        self.direct_dsn = self.services.database_url.replace("/postgres?", "/zsb_scaleout?", 1)
        await migrate(self.direct_dsn)
        seed_settings = Settings(env="test", database_url=self.direct_dsn, jwt_secret=stack.JWT_SECRET)
        pool = await create_pool(self.direct_dsn, min_size=1, max_size=2)
        async with transaction(pool) as conn:
            await seed(conn, seed_settings)
        await pool.close()
        # ... everything else through pgbouncer in transaction mode.
        bouncer, port = stack.pgbouncer(self.workdir / "pgbouncer", self.services.database_url, pool_size=20)
        self.stack.add(bouncer)
        self.dsn = stack.bouncer_dsn(self.direct_dsn, port)
        self.fake = FakeAliyun()
        self.env = stack.zsb_env(
            self.dsn, self.services.redis_url, ZSB_DB_STATEMENT_CACHE_SIZE="0", ZSB_DB_POOL_MAX="10",
            ZSB_TRUSTED_PROXIES=stack.trusted_proxies(),
            ZSB_SMS_PROVIDER="aliyun", ZSB_ALIYUN_ACCESS_KEY_ID=ACCESS_KEY_ID,
            ZSB_ALIYUN_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET, ZSB_ALIYUN_SMS_ENDPOINT=self.fake.host,
            ZSB_ALIYUN_SMS_PROTOCOL="http", PYTHONPATH=str(stack.ROOT))
        self.api_ports = [stack.free_port(), stack.free_port()]
        for i in range(2):
            self.start_api(i, wait=False)
        for i in range(2):
            stack.wait_http(f"http://127.0.0.1:{self.api_ports[i]}/readyz", 60, self.apis[i].popen)
        proxy, self.nginx_port = stack.nginx(self.workdir / "nginx", upstreams=self.api_ports)
        self.stack.add(proxy)
        for i in range(2):
            self.start_worker(i)
        self.pool = await create_pool(self.dsn, min_size=2, max_size=6, statement_cache_size=0)
        self.arq = await create_arq(redis_settings(self.services.redis_url))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def start_api(self, i: int, wait: bool = True) -> stack.Proc:
        proc = stack.serve(f"api-{i + 1}", self.workdir / "logs", self.env, port=self.api_ports[i], workers=1,
                           server=self.server, wait=wait)
        self.apis[i] = self.stack.add(proc)
        return proc

    def start_worker(self, i: int) -> stack.Proc:
        proc = stack.spawn(f"worker-{i + 1}", [sys.executable, "-c", WORKER], self.workdir / "logs", self.env)
        self.workers[i] = self.stack.add(proc)
        return proc

    async def close(self) -> None:
        for closer in (getattr(self, "arq", None) and self.arq.aclose, getattr(self, "pool", None) and self.pool.close):
            if closer:
                await closer()
        self.stack.close()
        if self.fake is not None:
            self.fake.close()
        if self.services is not None:
            self.services.stop()


# --- clients -------------------------------------------------------------------------------------

RETRYABLE = {502, 503, 504}


async def post_with_retry(http: httpx.AsyncClient, path: str, *, json: Any, headers: dict[str, str],
                          tries: int = 6) -> tuple[httpx.Response | None, int]:
    """A POST as the app sends it: on a transport error or a 502/503/504, again with the same
    Idempotency-Key. Returns the last response (None if none came) and the retries made."""
    res = None
    for attempt in range(tries):
        try:
            res = await http.post(path, json=json, headers=headers)
        except httpx.TransportError:
            res = None
        if res is not None and res.status_code not in RETRYABLE:
            return res, attempt
        await asyncio.sleep(0.2 * (attempt + 1))
    return res, tries - 1


async def log_in(http: httpx.AsyncClient, n: int, prefix: str, concurrency: int) -> list[dict[str, Any]]:
    """WeChat (sandbox) logins through nginx, each person connecting from a loopback address of
    their own: nginx passes the connecting address on, the API reads it from nginx only, so the
    per-address login limit applies per person as it does in production. No header is made up."""
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> dict[str, Any]:
        async with gate, httpx.AsyncClient(
                base_url=http.base_url, timeout=60,
                transport=httpx.AsyncHTTPTransport(local_address=stack.client_address(i))) as own:
            res, _ = await post_with_retry(own, "/api/v1/auth/wechat", json={"code": f"dev-{prefix}{i}"}, headers={})
            assert res is not None and res.status_code == 200, res and res.text
            body = res.json()
            # F088: booking needs a verified person — the sandbox face flow, as the mini-program runs it
            name, number = person_of(f"{prefix}{i}")
            auth = {"Authorization": f"Bearer {body['accessToken']}"}
            started, _ = await post_with_retry(own, "/api/v1/me/identity/verifications", headers=auth,
                                               json={"name": name, "idNumber": number})
            assert started is not None and started.status_code == 201, started and started.text
            done, _ = await post_with_retry(own, f"/api/v1/me/identity/verifications/{started.json()['id']}/result",
                                            json=None, headers=auth)
            assert done is not None and done.status_code == 200, done and done.text
            body = {**body, **done.json()["tokens"]}
            return {"id": body["user"]["id"], "refresh": body["refreshToken"],
                    "headers": {"Authorization": f"Bearer {body['accessToken']}"}}

    return list(await asyncio.gather(*(one(i) for i in range(n))))


# --- phases ----------------------------------------------------------------------------------------

BookingRush = Callable[[Cluster, httpx.AsyncClient, Scale, Figures, str, Callable[[float], Awaitable[None]] | None],
                       Awaitable[None]]


FREIGHT = "freight-operating-permit"
CENTRE = "city-service-centre"


async def _admin_headers(cluster: Cluster, http: httpx.AsyncClient) -> dict[str, str]:
    if not hasattr(cluster, "admin_headers"):
        from api.seed import DEMO_STAFF

        phone, password = DEMO_STAFF[0][0], DEMO_STAFF[0][1]
        res, _ = await post_with_retry(http, "/api/v1/auth/staff-login", json={"phone": phone, "password": password},
                                       headers={})
        assert res is not None and res.status_code == 200, res and res.text
        cluster.admin_headers = {"Authorization": f"Bearer {res.json()['accessToken']}"}
    return cluster.admin_headers


async def _rush_slot(cluster: Cluster, http: httpx.AsyncClient, scale: Scale, index: int) -> dict[str, Any]:
    """Slot ``index`` of the next working day, generated with the rush's capacity."""
    import chinese_calendar

    headers = await _admin_headers(cluster, http)
    day = clock.today() + timedelta(days=1)
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    sites = (await http.get("/api/v1/sites", headers=headers)).json()
    site_id = next(s["id"] for s in sites if s["code"] == CENTRE)
    res = await http.post("/api/v1/admin/slots/generate", headers=headers,
                          json={"siteId": site_id, "serviceCode": FREIGHT, "dateFrom": day.isoformat(),
                                "dateTo": day.isoformat(), "capacity": scale.capacity})
    assert res.status_code == 200, res.text
    listed = await http.get("/api/v1/slots", params={"serviceCode": FREIGHT, "date": day.isoformat()}, headers=headers)
    assert listed.status_code == 200, listed.text
    return sorted(listed.json(), key=lambda s: s["startsAt"])[index]


def _ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * q))] * 1000, 1) if values else 0.0


async def booking_rush(cluster: Cluster, http: httpx.AsyncClient, scale: Scale, figures: Figures, name: str,
                       disrupt: Callable[[float], Awaitable[None]] | None) -> None:
    """``scale.rush_users`` people book one slot of ``scale.capacity`` seats at once through nginx.
    One in ten presses the button twice (the same Idempotency-Key, two requests at once), one in
    ten tries again with a new key after its answer. ``disrupt`` fires a third of the way in."""
    slot = await _rush_slot(cluster, http, scale, 0 if name == "rush" else 1)
    users = await log_in(http, scale.rush_users, name, scale.concurrency)
    gate = asyncio.Semaphore(scale.concurrency)
    statuses: Counter[Any] = Counter()
    latencies: list[float] = []
    confirmed: dict[int, set[int]] = {}
    retries = 0
    done = 0
    disrupted_at: float | None = None
    after = Counter()

    async def attempt(who: dict[str, Any], key: str) -> None:
        nonlocal retries
        begun = time.perf_counter()
        res, tried = await post_with_retry(http, "/api/v1/appointments", json={"slotId": slot["id"]},
                                           headers={**who["headers"], "Idempotency-Key": key})
        latencies.append(time.perf_counter() - begun)
        retries += tried
        status = res.status_code if res is not None else "no answer"
        statuses[status] += 1
        if disrupted_at is not None and begun >= disrupted_at:
            after["ok" if status in (201, 409) else "failed"] += 1
        if status == 201:
            confirmed.setdefault(who["id"], set()).add(res.json()["id"])

    async def person(i: int, who: dict[str, Any]) -> None:
        nonlocal done, disrupted_at
        async with gate:
            key = random_key()
            if i % 10 == 1:
                await asyncio.gather(attempt(who, key), attempt(who, key))
            else:
                await attempt(who, key)
            if i % 10 == 2:
                await attempt(who, random_key())
        done += 1
        if disrupt is not None and disrupted_at is None and done >= len(users) // 3:
            disrupted_at = time.perf_counter()
            await disrupt(disrupted_at)

    started = time.perf_counter()
    await asyncio.gather(*(person(i, who) for i, who in enumerate(users)))
    elapsed = time.perf_counter() - started
    async with cluster.pool.acquire() as conn:
        booked = await conn.fetchval("SELECT count(*) FROM appointments WHERE slot_id = $1 AND status = 'booked'",
                                     slot["id"])
        taken = await conn.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", slot["id"])
        per_user = await conn.fetch("SELECT user_id, count(*) AS n FROM appointments WHERE slot_id = $1 "
                                    "AND status = 'booked' GROUP BY user_id HAVING count(*) > 1", slot["id"])
        stored = {r["id"] for r in await conn.fetch("SELECT id FROM appointments WHERE slot_id = $1", slot["id"])}
    confirmed_ids = {i for ids in confirmed.values() for i in ids}
    label = "rush" if disrupt is None else "rush with API-1 SIGKILLed at 1/3"
    figures.add(f"{name}_requests", sum(statuses.values()), f"{label}: booking requests")
    figures.add(f"{name}_statuses", dict(statuses), f"{label}: final answers")
    figures.add(f"{name}_rate", round(sum(statuses.values()) / elapsed), f"{label}: requests per second")
    figures.add(f"{name}_latency", f"p50 {_ms(latencies, 0.5)} ms, p99 {_ms(latencies, 0.99)} ms",
                f"{label}: latency incl. retries")
    figures.add(f"{name}_retries", retries, f"{label}: client retries (same Idempotency-Key)")
    figures.add(f"{name}_booked", f"{booked} of {scale.capacity} seats (seats_taken {taken})", f"{label}: booked")
    figures.add(f"{name}_oversold", max(0, booked - scale.capacity) + (0 if taken == booked else abs(taken - booked)),
                f"{label}: oversold")
    figures.add(f"{name}_duplicates", len(per_user) + sum(len(ids) - 1 for ids in confirmed.values()),
                f"{label}: duplicates (two bookings or two ids for one person)")
    figures.add(f"{name}_phantoms", len(confirmed_ids - stored), f"{label}: confirmed but not stored")
    if disrupt is not None:
        figures.add(f"{name}_after_ok", after["ok"], f"{label}: answered after the kill (201/409)")
        figures.add(f"{name}_after_failed", after["failed"], f"{label}: failed after the kill")


async def sigterm_in_flight(cluster: Cluster, http: httpx.AsyncClient, scale: Scale, figures: Figures) -> None:
    """Requests held in flight at API-2 (each waits on a row lock we hold), then SIGTERM to API-2,
    then the locks go: every held request must complete. Meanwhile traffic through nginx goes on."""
    users = await log_in(http, scale.in_flight, "term", scale.concurrency)
    lock = await asyncpg.connect(cluster.direct_dsn)
    tx = lock.transaction()
    await tx.start()
    await lock.execute("SELECT 1 FROM refresh_tokens WHERE user_id = ANY($1::bigint[]) FOR UPDATE",
                       [u["id"] for u in users])
    # Fewer than the process's pool: every held request keeps a database connection.
    direct = httpx.AsyncClient(base_url=f"http://127.0.0.1:{cluster.api_ports[1]}", timeout=300)
    held = [asyncio.create_task(direct.post("/api/v1/auth/refresh", json={"refreshToken": u["refresh"]}))
            for u in users]
    deadline = time.monotonic() + 90  # a loaded machine takes a while to get them all there
    waiting = 0
    while time.monotonic() < deadline and waiting < len(users):
        await lock.execute("SELECT pg_stat_clear_snapshot()")
        waiting = await lock.fetchval("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()")
        await asyncio.sleep(0.05)
    figures.add("term_held", waiting, "requests in flight at API-2 at SIGTERM")
    api2 = cluster.apis[1]
    api2.signal(signal.SIGTERM)
    await asyncio.sleep(1.0)

    async def meanwhile() -> Counter[int]:
        statuses: Counter[int] = Counter()
        for _ in range(40):
            try:
                statuses[(await http.get("/api/v1/me", headers=users[0]["headers"])).status_code] += 1
            except httpx.TransportError:
                statuses[0] += 1
        return statuses

    side = await meanwhile()
    await tx.rollback()
    await lock.close()
    results = await asyncio.gather(*held, return_exceptions=True)
    await direct.aclose()
    ok = sum(1 for r in results if isinstance(r, httpx.Response) and r.status_code == 200)
    code = await asyncio.to_thread(api2.popen.wait, 40)
    figures.add("term_completed", ok, "of them completed with 200 after SIGTERM")
    # uvicorn re-raises the SIGTERM it handled once its graceful shutdown is done: -15 is clean too.
    figures.add("term_clean_exit", code in (0, -signal.SIGTERM), f"API-2 left cleanly (exit {code})")
    figures.add("term_side_ok", side[200], "GETs through nginx meanwhile answered 200 (of 40)")
    if side[200] != 40:
        figures.add("term_side_statuses", dict(side), "  their answers (0 = no answer)")
    cluster.start_api(1)  # as Kubernetes would


async def fan_out(cluster: Cluster, scale: Scale, figures: Figures) -> None:
    """SMS to ``scale.messages`` people, queued as a batch job of another area would, drained by
    both workers; worker 2 is restarted with SIGTERM part-way (a rolling deploy)."""
    import notify
    from notify import queue as notify_queue

    n = scale.messages
    cluster.fake.reset()
    # Rows are written first and queued together afterwards, so the drain figure is the workers'
    # alone (queued at each commit, the workers would drain while the enqueue is still running).
    notify_queue.use_pool(None)
    run = uuid.uuid4().hex[:6]
    async with cluster.pool.acquire() as conn:
        first = await conn.fetchval("SELECT coalesce(max(id), 0) FROM users")
        await conn.execute("INSERT INTO users (phone) SELECT '15' || lpad(i::text, 9, '0') "
                           "FROM generate_series(1, $1) i", n)
        user_ids = [r["id"] for r in await conn.fetch("SELECT id FROM users WHERE id > $1 AND phone LIKE '15%' "
                                                      "ORDER BY id", first)]
    started = time.perf_counter()
    gate = asyncio.Semaphore(4)

    async def chunk_of(chunk: list[int]) -> None:
        # one transaction per 500 people, four at once, as a batch job of another area would
        async with gate, transaction(cluster.pool) as conn:
            for user_id in chunk:
                await notify.enqueue(conn, user_id=user_id, event="licence_shipped",
                                     params={"serviceName": "道路运输证", "trackingNo": f"EMS{user_id}"},
                                     dedupe_key=f"scaleout:{run}:{user_id}")

    await asyncio.gather(*(chunk_of(user_ids[k:k + 500]) for k in range(0, n, 500)))
    figures.add("fanout_enqueue_s", round(time.perf_counter() - started, 2), "fan-out: enqueue seconds")
    async with cluster.pool.acquire() as conn:
        ids = {r["id"] for r in await conn.fetch("SELECT id FROM notifications WHERE channel = 'sms' "
                                                 "AND dedupe_key LIKE $1", f"scaleout:{run}:%")}
    restarted = False
    drain_started = time.perf_counter()
    early = sum(1 for m in cluster.fake.messages() if m["out_id"].isdigit() and int(m["out_id"]) in ids)
    figures.add("fanout_swept_early", early, "fan-out: sent by the outbox sweeper during the enqueue")
    await notify_queue.queue_ids(sorted(ids), pool=cluster.arq)
    while True:
        delivered = {m["out_id"] for m in cluster.fake.messages()}
        done = sum(1 for i in ids if str(i) in delivered)
        if not restarted and done >= len(ids) * 0.4:
            restarted = True
            cluster.workers[1].signal(signal.SIGTERM)
            code = await asyncio.to_thread(cluster.workers[1].popen.wait, 45)
            figures.add("fanout_worker_exit", code, "fan-out: worker 2 exit code after SIGTERM part-way")
            cluster.start_worker(1)
        if done >= len(ids) or time.perf_counter() - drain_started > 600:
            break
        await asyncio.sleep(0.2)
    drain = time.perf_counter() - drain_started
    await asyncio.sleep(1.0)  # a duplicate would arrive after the last first copy
    sent = cluster.fake.messages()
    ours = [m for m in sent if m["out_id"].isdigit() and int(m["out_id"]) in ids]
    counts = Counter(m["out_id"] for m in ours)
    figures.add("fanout_messages", len(ids), "fan-out: SMS rows")
    figures.add("fanout_drain_s", round(drain, 2), "fan-out: drain seconds (2 workers)")
    figures.add("fanout_rate", round((len(counts) - early) / drain), "fan-out: delivered per second (2 workers)")
    figures.add("fanout_duplicates", sum(c - 1 for c in counts.values()), "fan-out: duplicates (by OutId at Aliyun)")
    figures.add("fanout_lost", len(ids) - len(counts), "fan-out: lost (rows never delivered)")
    # Delivered at Aliyun is not yet recorded in the row: give the workers a moment to write it.
    deadline = time.perf_counter() + 30
    while True:
        async with cluster.pool.acquire() as conn:
            statuses = dict(await conn.fetch("SELECT status, count(*) FROM notifications "
                                             "WHERE id = ANY($1::bigint[]) GROUP BY status", list(ids)))
        if not statuses.get("pending") and not statuses.get("created") or time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.5)
    figures.add("fanout_statuses", statuses, "fan-out: row statuses")
    figures.add("fanout_unrecorded", statuses.get("pending", 0) + statuses.get("created", 0),
                "fan-out: rows sent but not recorded 30 s later")


async def run(scale: Scale, workdir: Path, booking_rush: BookingRush | None = None) -> Figures:
    figures = Figures()
    cluster = Cluster(workdir, scale.server)
    started = time.perf_counter()
    try:
        await cluster.start()
        figures.add("start_s", round(time.perf_counter() - started, 1), "stack up (pg, pgbouncer, redis, 2 api, nginx, 2 workers) s")
        limits = httpx.Limits(max_connections=scale.concurrency, max_keepalive_connections=scale.concurrency)
        async with httpx.AsyncClient(base_url=cluster.url, timeout=60, limits=limits) as http:
            if booking_rush is not None:
                await booking_rush(cluster, http, scale, figures, "rush", None)

                async def kill_api_1(_: float) -> None:
                    cluster.apis[0].kill_group()

                await booking_rush(cluster, http, scale, figures, "kill", kill_api_1)
                cluster.start_api(0)
            await sigterm_in_flight(cluster, http, scale, figures)
        await fan_out(cluster, scale, figures)
    finally:
        await cluster.close()
    return figures


def random_key() -> str:
    return uuid.UUID(int=random.getrandbits(128)).hex
