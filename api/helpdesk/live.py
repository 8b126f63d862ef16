"""Live updates for agents: one Redis pub/sub channel, served over WebSocket by any API process.

Publishers (API requests after commit, and the worker) PUBLISH plain JSON on ``helpdesk``;
Litestar's ChannelsPlugin (Redis pub/sub backend) subscribes each process once and fans the
events out to the agents connected to it.
"""

from __future__ import annotations

from typing import Any

import msgspec
import redis.asyncio as aioredis
import structlog
from litestar import WebSocket
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.exceptions import WebSocketDisconnect

CHANNEL = "helpdesk"
log = structlog.get_logger("zsb.helpdesk.live")


def channels_plugin(redis_url: str) -> ChannelsPlugin:
    # Its own client: the app's has a 2 s socket timeout, wrong for a subscription that idles.
    redis = aioredis.Redis.from_url(redis_url or "redis://localhost:6379")
    return ChannelsPlugin(backend=RedisChannelsPubSubBackend(redis=redis), channels=[CHANNEL],
                          arbitrary_channels_allowed=False, create_ws_route_handlers=False)


async def publish(redis: Any, kind: str, **fields: Any) -> None:
    """Tell every agent; a lost event only delays a screen (lists are re-read on connect)."""
    try:
        await redis.publish(CHANNEL, msgspec.json.encode({"type": kind, **fields}))
    except Exception:  # Redis down: the request or job that changed the data must still succeed
        log.warning("helpdesk_publish_failed", exc_info=True)


async def serve(socket: WebSocket) -> None:
    """Forward every helpdesk event to this agent until they disconnect."""
    channels = socket.app.plugins.get(ChannelsPlugin)
    await socket.accept()
    async with channels.start_subscription([CHANNEL]) as subscriber:
        async with subscriber.run_in_background(socket.send_data):
            await socket.send_json({"type": "hello"})
            try:
                while True:
                    await socket.receive_data(mode="text")  # agents send nothing but keep-alives
            except WebSocketDisconnect:
                pass
