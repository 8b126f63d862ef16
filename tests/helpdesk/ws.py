"""A WebSocket client at the ASGI level, on the test's own event loop.

Litestar's test session runs the app in another thread's loop, where the app's Redis clients
(created in its lifespan) cannot be used; speaking ASGI directly keeps everything on one loop.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class AsgiWebSocket:
    def __init__(self, app: Any, path: str, headers: dict[str, str]) -> None:
        self.app = app
        self.scope = {
            "type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "http_version": "1.1",
            "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "subprotocols": [],
            "state": {},
        }
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[Any] | None = None

    async def connect(self) -> dict[str, Any]:
        await self.to_app.put({"type": "websocket.connect"})
        self.task = asyncio.create_task(self.app(self.scope, self.to_app.get, self.from_app.put))
        return await asyncio.wait_for(self.from_app.get(), 10)  # websocket.accept or websocket.close

    async def receive_json(self, timeout: float = 10) -> Any:
        while True:
            message = await asyncio.wait_for(self.from_app.get(), timeout)
            if message["type"] == "websocket.close":
                raise ConnectionError(f"closed: {message.get('code')}")
            raw = message.get("text") or (message.get("bytes") or b"").decode()
            return json.loads(raw)

    async def close(self) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await asyncio.wait_for(asyncio.gather(self.task, return_exceptions=True), 10)
