"""A small threaded HTTP server for faking what is outside our walls (WeChat, Aliyun).

The real SDKs (wechatpy, aliyun-python-sdk) talk to it over loopback, so our SDK code runs.
Routes are ``(method, path) -> handler(request) -> (status, body)``; every request is recorded.

Two transports answer the same routes: ``threads`` (http.server, a thread per connection, so a
handler may sleep to fake a slow provider; what the tests use) and ``asyncio`` (aiohttp on one
event loop in a thread: a fraction of the CPU per request, for benchmarks whose fake shares the
machine's cores with what they measure; handlers must not sleep there).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    raw_query: str = ""  # as sent, blank values included (signature checks need them)

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


Handler = Callable[[FakeRequest], "tuple[int, Any]"]


class HangUp(Exception):
    """Raised by a handler: hold the connection ``hold`` seconds, then close it without an answer
    (what a provider that timed out looks like to the client). Threads transport only."""

    def __init__(self, hold: float = 0.0) -> None:
        super().__init__(hold)
        self.hold = hold


@dataclass
class FakeServer:
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[FakeRequest] = field(default_factory=list)
    # Faults: answer every request with this HTTP status, or sleep this long first.
    fail_status: int | None = None
    delay: float = 0.0
    transport: str = "threads"  # or "asyncio"

    def answer(self, request: FakeRequest) -> tuple[int, bytes] | tuple[int, bytes, str]:
        with self.lock:
            self.requests.append(request)
        if self.delay:
            time.sleep(self.delay)
        if self.fail_status:
            status, body = self.fail_status, {"error": "fault injected"}
        else:
            handler = self.routes.get((request.method, request.path))
            answer = handler(request) if handler else (404, {"errcode": 404, "errmsg": "no route"})
            if len(answer) == 3:  # (status, bytes, content type): a file, as WeChat's media API sends one
                return answer
            status, body = answer
        return status, body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        if self.transport == "asyncio":
            self._serve_on_asyncio()
            return
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = FakeRequest(
                    method=self.command, path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                    raw_query=parts.query,
                )
                try:
                    status, raw, *ctype = fake.answer(request)
                except HangUp as hang_up:
                    time.sleep(hang_up.hold)
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype[0] if ctype else "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.address = self.server.server_address[:2]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _serve_on_asyncio(self) -> None:
        from aiohttp import web

        async def handle(incoming: web.Request) -> web.Response:
            request = FakeRequest(method=incoming.method, path=incoming.path,
                                  query={k: v for k, v in incoming.query.items()},
                                  headers={k.lower(): v for k, v in incoming.headers.items()},
                                  body=await incoming.read(), raw_query=incoming.query_string)
            status, raw, *ctype = self.answer(request)
            if ctype:
                return web.Response(status=status, body=raw, headers={"Content-Type": ctype[0]})
            return web.Response(status=status, body=raw, content_type="application/json", charset="utf-8")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        self._runner = web.AppRunner(app, access_log=None)

        async def start() -> tuple[str, int]:
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            return site._server.sockets[0].getsockname()[:2]  # type: ignore[union-attr]

        self.loop = asyncio.new_event_loop()  # its own loop in its own thread (callers may run one)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.address = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        host, port = self.address
        return f"{host}:{port}"

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.routes[(method, path)] = fn
            return fn

        return register

    def calls(self, path: str) -> list[FakeRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
        self.fail_status = None
        self.delay = 0.0

    def close(self) -> None:
        if self.transport == "asyncio":
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()
            return
        self.server.shutdown()
        self.server.server_close()
