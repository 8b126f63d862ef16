"""POST /wechat/push takes at most 64 KB: an oversize Content-Length is refused before the body
is read, and a chunked body stops being read once it passes 64 KB. Spoken to at the ASGI level
(the app's lifespan on the test's loop) so the test sees exactly how much of the body was read."""

from __future__ import annotations

from typing import Any

from api.app import create_app
from tests.factories import stream_into
from tests.wechat.pushes import plain, push_settings, text_xml

CHUNK = 16 * 1024


async def _post(app: Any, query: dict[str, str], headers: dict[str, str], chunks: Any) -> tuple[int, dict, int]:
    """POST the chunks (an iterator) to /wechat/push; returns status, JSON body, chunks the app read."""
    return await stream_into(app, "/wechat/push", headers, chunks, query=query)


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
    app = create_app(push_settings(settings, wechat, safe_mode=False))
    query, body = plain(text_xml("o-small", "你好", 9103))
    pieces = iter([body[:40], body[40:]])
    async with app.lifespan():
        status, answer, read = await _post(app, query, {"content-type": "text/xml",
                                                        "transfer-encoding": "chunked"}, pieces)
    assert status == 200 and answer == {"text": "success"} and read == 2
    assert await db.fetchval("SELECT count(*) FROM wechat_pushes") == 1
