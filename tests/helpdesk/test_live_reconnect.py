"""The live channel outlives a Redis drop: agents already connected hear new messages again once
Redis is back, without restarting the API (cut and restored through a TCP proxy, as a Redis
restart looks to the app)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import msgspec

from api.app import create_app
from tests.factories import applicant, staff
from tests.helpdesk.helpers import UNSURE
from tests.helpdesk.ws import AsgiWebSocket
from tests.security.proxy import Proxy

API = "/api/v1"


async def _ask(client: Any, person: dict[str, Any], text: str) -> None:
    res = await client.post(f"{API}/chat/messages", headers=person["headers"], json={"text": text})
    assert res.status_code == 201, res.text


async def test_an_agents_socket_hears_new_questions_again_after_redis_comes_back(settings, db):
    proxy = await Proxy(settings.redis_url or "").start()
    through = msgspec.structs.replace(settings, redis_url=f"redis://127.0.0.1:{proxy.port}/0")
    try:
        # The app's lifespan runs on this test's loop (AsyncTestClient would run it on another
        # thread's loop, where the listener could not wake this loop's socket), and leaving the
        # block runs its shutdown: a listener task that died would raise there.
        app = create_app(through)
        async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                     base_url="http://testserver", timeout=30) as client:
            agent = await staff(client, db, phone="13900002101", roles=["helpdesk"], name="导航员 林")
            before, after = await applicant(client, "before-outage"), await applicant(client, "after-outage")
            socket = AsgiWebSocket(app, f"{API}/helpdesk/live", agent["headers"])
            assert (await socket.connect())["type"] == "websocket.accept"
            assert (await socket.receive_json())["type"] == "hello"
            try:
                await _ask(client, before, "转人工")
                assert (await socket.receive_json())["type"] == "waiting"

                for _ in range(2):  # the same process survives one drop after another
                    proxy.down()
                    await asyncio.sleep(0.4)  # several reconnects refused meanwhile
                    proxy.up()
                    # Back: the agent is told to re-read the lists (events sent meanwhile were lost) ...
                    assert (await socket.receive_json())["type"] == "resync"

                # ... and new events flow again on the same socket.
                await _ask(client, after, UNSURE)
                event = await socket.receive_json(timeout=30)  # the first FAQ question may wait for the model
                assert event["type"] == "waiting" and event["text"] == UNSURE
            finally:
                await socket.close()
    finally:
        await proxy.close()
    waiting = await db.fetch("SELECT status FROM conversations ORDER BY id")
    assert [r["status"] for r in waiting] == ["waiting", "waiting"]
