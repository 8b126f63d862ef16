"""POST /wechat/push takes at most 64 KB: an oversize Content-Length is refused before the body
is read, and a chunked body stops being read once it passes 64 KB. Spoken to at the ASGI level
(the app's lifespan on the test's loop) so the test sees exactly how much of the body was read."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from api.app import create_app
from tests.wechat.pushes import plain, push_settings, text_xml

CHUNK = 16 * 1024


async def _post(app: Any, query: dict[str, str], headers: dict[str, str], chunks: Any) -> tuple[int, dict, int]:
    """POST the chunks (an iterator) to /wechat/push; returns status, JSON body, chunks the app read."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/wechat/push", "raw_path": b"/wechat/push", "root_path": "",
        "query_string": urlencode(query).encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50001), "server": ("testserver", 80), "state": {},
    }
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body) if body.startswith(b"{") else {"text": body.decode()}, read


def _endless() -> Any:
    while True:
        yield b"<" * CHUNK


async def test_an_oversize_content_length_is_refused_before_reading_the_body(settings, wechat, db):
    app = create_app(push_settings(settings, wechat))
    query, _ = plain(text_xml("o-big", "你好", 9101))
    async with app.lifespan():
        status, problem, read = await _post(app, query, {"content-type": "text/xml",
                                                         "content-length": str(10 * 1024 * 1024)}, _endless())
    assert status == 413 and problem["code"] == "wechat_push_too_large", problem
    assert read == 0  # not one chunk was taken off the wire
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0


async def test_a_chunked_body_stops_being_read_once_it_passes_64_kb(settings, wechat, db):
    app = create_app(push_settings(settings, wechat))
    query, _ = plain(text_xml("o-stream", "你好", 9102))
    async with app.lifespan():
        status, problem, read = await _post(app, query, {"content-type": "text/xml",
                                                         "transfer-encoding": "chunked"}, _endless())
    assert status == 413 and problem["code"] == "wechat_push_too_large", problem
    assert read == 64 * 1024 // CHUNK + 1  # the chunk that crossed 64 KB is the last one read
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 0


async def test_a_chunked_push_under_64_kb_is_taken(settings, wechat, db):
    app = create_app(push_settings(settings, wechat))
    query, body = plain(text_xml("o-small", "你好", 9103))
    pieces = iter([body[:40], body[40:]])
    async with app.lifespan():
        status, answer, read = await _post(app, query, {"content-type": "text/xml",
                                                        "transfer-encoding": "chunked"}, pieces)
    assert status == 200 and answer == {"text": "success"} and read == 2
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 1
