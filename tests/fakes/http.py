"""A small threaded HTTP server for faking what is outside our walls (WeChat, Aliyun).

The real SDKs (wechatpy, aliyun-python-sdk) talk to it over loopback, so our SDK code runs.
Routes are ``(method, path) -> handler(request) -> (status, body)``; every request is recorded.
"""

from __future__ import annotations

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


@dataclass
class FakeServer:
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[FakeRequest] = field(default_factory=list)
    # Faults: answer every request with this HTTP status, or sleep this long first.
    fail_status: int | None = None
    delay: float = 0.0

    def __post_init__(self) -> None:
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
                with fake.lock:
                    fake.requests.append(request)
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.fail_status:
                    status, body = fake.fail_status, {"error": "fault injected"}
                else:
                    handler = fake.routes.get((request.method, request.path))
                    status, body = handler(request) if handler else (404, {"errcode": 404, "errmsg": "no route"})
                raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = _handle

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        host, port = self.server.server_address[:2]
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
        self.server.shutdown()
        self.server.server_close()
