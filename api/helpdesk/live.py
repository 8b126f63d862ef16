"""Live updates for agents: one Redis pub/sub channel, served over WebSocket by any API process.

Publishers (API requests after commit, and the worker) PUBLISH plain JSON on ``helpdesk``;
Litestar's ChannelsPlugin (Redis pub/sub backend) subscribes each process once and fans the
events out to the agents connected to it.

The subscription survives Redis going away: the backend below keeps the plugin's listener alive
through a dropped connection, resubscribes when Redis is back, and then tells every connected
agent to re-read their lists (``resync``), since events published meanwhile were lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
import redis.asyncio as aioredis
import structlog
from litestar import WebSocket
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.exceptions import WebSocketDisconnect
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

CHANNEL = "helpdesk"
log = structlog.get_logger("zsb.helpdesk.live")


RESYNC = msgspec.json.encode({"type": "resync"})
_LOST = (RedisConnectionError, RedisTimeoutError, OSError)


class ReconnectingPubSubBackend(RedisChannelsPubSubBackend):
    """Litestar's Redis pub/sub backend, kept listening through a Redis restart.

    Litestar 2.25's ``stream_events`` lets a dropped connection's error end the generator, which
    ends the plugin's only listener task: agents' sockets stay open but hear nothing until the
    process restarts. redis-py's own ``Retry`` does not cover it either: its reconnect path
    re-raises when resubscribing fails while the server is still away (redis-py #3203). So the
    stream is restarted here: the next read reconnects the same ``PubSub`` object, whose connect
    callback resubscribes its channels.
    """

    def __init__(self, *, redis: aioredis.Redis, retry_min: float = 0.05, retry_max: float = 5.0) -> None:
        self._current: PubSub | None = None
        super().__init__(redis=redis)
        self._retry_min, self._retry_max = retry_min, retry_max

    @property
    def _pub_sub(self) -> PubSub:  # Litestar's, but one that on_shutdown can let go of
        if self._current is None:
            self._current = self._redis.pubsub()
        return self._current

    async def on_shutdown(self) -> None:
        await super().on_shutdown()
        # Started again (an app's lifespan run once more, as the tests do, each time in an event loop
        # of its own), it begins as new: a new pub/sub, and a listener that waits for a subscription.
        self._current = None
        self._has_subscribed = type(self._has_subscribed)()

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        delay = self._retry_min
        lost = False
        while True:
            try:
                if lost:
                    await self._pub_sub.connect()  # reconnects and resubscribes, or raises
                    # Only Redis's answer to the resubscription proves it (a proxy in front of a
                    # stopped Redis accepts connections and drops them at once).
                    answer = await self._pub_sub.get_message(timeout=self._retry_max)
                    if answer is None or answer["type"] != "subscribe":
                        raise RedisConnectionError("no answer to the resubscription")
                    lost, delay = False, self._retry_min
                    log.info("helpdesk_live_resubscribed")
                    for channel in self._pub_sub.channels:
                        yield channel.decode(), RESYNC
                async for event in super().stream_events():
                    yield event
            except _LOST as exc:
                if not lost:
                    log.warning("helpdesk_live_connection_lost", error=type(exc).__name__)
                lost = True
                if self._pub_sub.connection is not None:
                    await self._pub_sub.connection.disconnect()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max)


def channels_plugin(redis_url: str) -> ChannelsPlugin:
    # Its own client: the app's has a 2 s socket timeout, wrong for a subscription that idles.
    # The health check makes a silently dead connection (no RST from a vanished host) fail a
    # PING within a minute instead of waiting forever.
    redis = aioredis.Redis.from_url(redis_url or "redis://localhost:6379", health_check_interval=30)
    return ChannelsPlugin(backend=ReconnectingPubSubBackend(redis=redis), channels=[CHANNEL],
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
