"""The edge as shipped, attacked through it: Debian's nginx with deploy/nginx.conf in front of a real
``zsb serve`` trusting X-Forwarded-For as deploy/compose.yaml says (nginx's address rewritten to
loopback). Clients that must be different people connect from different loopback addresses.

One stack per server kind serves the whole module (starting one costs seconds): each test starts with
Redis empty, so no rate-limit window carries over, and talks from addresses of its own; only the SMS
test writes sms_codes, whose count it checks."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from api.auth.routes import login_rate_limit
from api.auth.sms import IP_LIMIT
from tests.conftest import clone_template, connect_as_app, drop_databases
from tests.deploy import stack

pytestmark = [pytest.mark.serial, pytest.mark.timeout(120)]  # per-minute windows on the real clock

METRICS_TOKEN = "metrics-token-for-the-edge-test-0123456789"


async def raw_get(base: str, target: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """GET ``target`` byte for byte (httpx would normalise /metrics/. and /api/../metrics away)."""
    url = httpx.URL(base)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    lines = [f"GET {target} HTTP/1.1", f"Host: {url.host}", "Connection: close",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    answer = (await asyncio.wait_for(reader.read(), 10)).decode("latin1")
    writer.close()
    return int(answer.split(" ", 2)[1]), answer


@dataclass
class Edge:
    url: str
    api_url: str
    access_log: Path
    api_pid: int
    dsn: str

    def client(self, address: str | None = None, **kw) -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(local_address=address) if address else None
        return httpx.AsyncClient(base_url=self.url, timeout=30, transport=transport, **kw)

    async def logged(self, needle: str, timeout: float = 5.0) -> str:
        """The access log once it holds ``needle`` (nginx writes a line when the request ends)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.access_log.read_text(errors="replace") if self.access_log.exists() else ""
            if needle in text or time.monotonic() > deadline:
                return text
            await asyncio.sleep(0.05)


class Edges:
    """The module's stacks, one per server kind, each started when a test first asks for it."""

    def __init__(self, database_url: str, redis_url: str, workdir: Path) -> None:
        self.database_url, self.redis_url, self.workdir = database_url, redis_url, workdir
        self.started: dict[str, Edge] = {}
        self.procs: list[stack.Proc] = []
        self.databases: list[str] = []

    async def get(self, server: str) -> Edge:
        if server not in self.started:
            name = f"zsb_edge_{server}_{os.getpid()}"
            dsn = await clone_template(self.database_url, name)
            self.databases.append(name)
            port = stack.free_port()
            env = stack.zsb_env(dsn, self.redis_url, ZSB_TRUSTED_PROXIES=stack.trusted_proxies(),
                                ZSB_METRICS_TOKEN=METRICS_TOKEN)
            workdir = self.workdir / server
            self.procs.append(stack.serve("api", workdir / "logs", env, port=port, server=server))
            access_log = workdir / "nginx" / "access.log"
            proxy, nginx_port = stack.nginx(workdir / "nginx", upstreams=[port], access_log=access_log)
            self.procs.append(proxy)
            self.started[server] = Edge(f"http://127.0.0.1:{nginx_port}", f"http://127.0.0.1:{port}", access_log,
                                        self.procs[-2].pid, dsn)
        return self.started[server]

    async def close(self) -> None:
        for proc in reversed(self.procs):
            proc.stop(10 if proc.name == "nginx" else 40)
        await drop_databases(self.database_url, *self.databases)


@pytest.fixture(scope="module")
async def edges(embedded, template_dsn, tmp_path_factory) -> AsyncIterator[Edges]:
    shared = Edges(embedded.database_url, embedded.redis_url, tmp_path_factory.mktemp("edge"))
    try:
        yield shared
    finally:
        await shared.close()


@pytest.fixture
async def edge(request, edges, redis_url) -> Edge:
    """The module's stack for the server the test names (uvicorn unless parametrized), Redis emptied
    (``redis_url``) so every rate-limit window starts anew."""
    return await edges.get(getattr(request, "param", "uvicorn"))


@pytest.fixture
async def edge_db(edge) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to the database the stack's API writes to."""
    conn = await connect_as_app(edge.dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.mark.parametrize("edge", ["uvicorn", "granian"], indirect=True)  # each reads the header itself
async def test_a_forged_x_forwarded_for_buys_no_fresh_login_budget_nor_locks_anyone_out(edge):
    attacker, victim = stack.client_address(1), stack.client_address(2)
    limit = login_rate_limit.rate_limit[1]
    # Password guesses (malformed ones: they count, and skip the slow hash), each claiming another
    # address, and the first half claiming to be the victim.
    async with edge.client(attacker) as http:
        statuses = []
        for i in range(limit + 5):
            forged = victim if i < limit // 2 else f"203.0.113.{i}"
            res = await http.post("/api/v1/auth/staff-login", json={"phone": "139", "password": "guess"},
                                  headers={"X-Forwarded-For": forged})
            statuses.append(res.status_code)
    assert statuses[:limit] == [400] * limit and set(statuses[limit:]) == {429}, Counter(statuses)
    async with edge.client(victim) as http:  # the staff member the forged header named still gets in
        res = await http.post("/api/v1/auth/staff-login", json={"phone": "139", "password": "guess"})
        assert res.status_code == 400, res.text


async def test_sms_codes_to_many_phones_from_forged_addresses_stop_at_the_per_address_limit(edge, edge_db):
    most = IP_LIMIT[1]
    async with edge.client(stack.client_address(3)) as http:
        answers = []
        for i in range(most + 5):
            res = await http.post("/api/v1/auth/sms-code", json={"phone": f"1390000{i:04d}"},
                                  headers={"X-Forwarded-For": f"198.51.100.{i}"})
            answers.append(res.json().get("code") if res.status_code != 200 else 200)
    assert answers[:most] == [200] * most and set(answers[most:]) == {"sms_code_ip_limit"}, Counter(answers)
    assert await edge_db.fetchval("SELECT count(*) FROM sms_codes") == most


# The spellings the outside attack used, and a few more nginx normalises to /metrics.
METRICS_SPELLINGS = ["/metrics", "/metrics/", "/metrics%2f", "/metrics%2F", "/metrics/.", "//metrics", "/%6detrics",
                     "/api/../metrics", "/metrics?x=1"]


async def test_metrics_are_not_served_through_nginx_however_the_path_is_spelled(edge):
    for path in METRICS_SPELLINGS:
        status, answer = await raw_get(edge.url, path)
        assert status == 404 and "request_duration" not in answer, (path, answer[:300])
        # At the API itself (inside the network) only with the token, however spelled.
        status, answer = await raw_get(edge.api_url, path)
        assert status in (401, 404) and "request_duration" not in answer, (path, answer[:300])
    status, answer = await raw_get(edge.api_url, "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200 and "request_duration" in answer
    status, _ = await raw_get(edge.api_url, "/metrics", {"Authorization": "Bearer not-the-token"})
    assert status == 401


async def test_nginx_does_not_log_the_signature_wechat_puts_in_the_push_query(edge):
    secret = "sig0123456789abcdef"
    query = f"signature={secret}&timestamp=1700000000&nonce=nonce{secret}&echostr=hello&msg_signature={secret}"
    async with edge.client() as http:
        await http.get("/healthz", params={"probe": "edge"})
    for path in ("/wechat/push", "/wechat/oa-push", "/wechat//push", "/wechat/pus%68", "/wechat/push/"):
        await raw_get(edge.url, f"{path}?{query}")
    await raw_get(edge.url, "/healthz?probe=last")
    log = await edge.logged("/healthz?probe=last")
    assert "/healthz?probe=edge" in log and "/healthz?probe=last" in log, log  # other requests keep their query
    assert "GET /wechat/push HTTP/1.1" in log and "GET /wechat/oa-push HTTP/1.1" in log, log
    assert secret not in log and "timestamp=" not in log, log


async def test_json_bodies_are_refused_at_the_proxy_long_before_the_upload_limit(edge):
    body = b'{"serviceCode": "x", "form": {' + b",".join(b'"k%d": 1' % i for i in range(100_000)) + b"}}"
    async with edge.client() as http:
        res = await http.post("/api/v1/applications", content=body, headers={"Content-Type": "application/json"})
    assert len(body) > 1024 * 1024 and res.status_code == 413, res.status_code


def _rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


async def test_six_bodies_of_600000_form_keys_at_once_leave_the_api_process_memory_where_it_was(edge):
    """The outside attack's figures: 8.3 MB bodies, six at once, took the process to 2.45 GB. Sent
    straight to the API process (as from inside the network), past nginx's own limit."""
    async with httpx.AsyncClient(base_url=edge.api_url, timeout=60) as api:
        token = (await api.post("/api/v1/auth/wechat", json={"code": "dev-flood"})).json()["accessToken"]
        form = b",".join(b'"k%06d":"%06d"' % (i, i) for i in range(600_000))
        body = b'{"serviceCode":"taxi-driver-cert","answers":{"household":"local"},"form":{' + form + b"}}"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        before = _rss_mib(edge.api_pid)
        answers = await asyncio.gather(*(api.post("/api/v1/applications", content=body, headers=headers)
                                         for _ in range(6)))
        after = _rss_mib(edge.api_pid)
    assert [a.status_code for a in answers] == [413] * 6 and all(len(a.content) < 2048 for a in answers)
    assert after - before < 50, (before, after)


def test_the_ingress_does_not_log_push_queries_nor_pass_metrics_and_keeps_json_small():
    import yaml

    ingresses = {d["metadata"]["name"]: d for d in yaml.safe_load_all((stack.DEPLOY / "k8s" / "ingress.yaml").read_text())
                 if d}
    routed = {p["path"]: name for name, d in ingresses.items() for r in d["spec"]["rules"] for p in r["http"]["paths"]}
    for push in ("/wechat/push", "/wechat/oa-push"):
        notes = ingresses[routed[push]]["metadata"]["annotations"]
        assert notes["nginx.ingress.kubernetes.io/enable-access-log"] == "false", push
    main = ingresses[routed["/"]]["metadata"]["annotations"]
    assert "location ^~ /metrics" in main["nginx.ingress.kubernetes.io/server-snippet"]
    assert main["nginx.ingress.kubernetes.io/proxy-body-size"] == "256k"
