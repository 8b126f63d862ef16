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
from collections.abc import AsyncGenerator, Iterable
from typing import Any

import msgspec
import redis.asyncio as aioredis
import structlog
from litestar import WebSocket
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.exceptions import WebSocketDisconnect
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

CHANNEL = "helpdesk"
log = structlog.get_logger("zsb.helpdesk.live")


RESYNC = msgspec.json.encode({"type": "resync"})
_LOST = (RedisConnectionError, RedisTimeoutError, OSError)


class ReconnectingPubSubBackend(ChannelsBackend):
    """Litestar's channels backend on Redis pub/sub, kept listening through a Redis restart.

    Written on Litestar's public ``ChannelsBackend`` and redis-py's ``PubSub`` rather than as a
    subclass of ``RedisChannelsPubSubBackend``: that one (Litestar 2.25) lets a dropped
    connection's error end ``stream_events``, which ends the plugin's only listener task, so
    agents' sockets stay open but hear nothing until the process restarts; mending it meant
    overriding its private pub/sub attributes. redis-py's own ``Retry`` does not cover it either:
    its reconnect path re-raises when resubscribing fails while the server is still away (redis-py
    #3203). So the stream restarts here: the next read reconnects the same ``PubSub``, whose connect
    callback resubscribes its channels.

    Everything bound to an event loop (the ``PubSub``, the "something is subscribed" event) is made
    at ``on_startup``, so an app whose lifespan runs again (the tests do, each time in a loop of
    its own) starts clean.
    """

    def __init__(self, *, redis: aioredis.Redis, retry_min: float = 0.05, retry_max: float = 5.0,
                 idle: float = 1.0) -> None:
        self._redis = redis
        self._retry_min, self._retry_max = retry_min, retry_max
        self._idle = idle  # seconds a read waits for a message before looking again
        self._pub_sub: PubSub | None = None
        self._subscribed: asyncio.Event | None = None

    def _live(self) -> tuple[PubSub, asyncio.Event]:
        if self._pub_sub is None or self._subscribed is None:
            raise RuntimeError("the helpdesk channel backend is used outside the app's lifespan")
        return self._pub_sub, self._subscribed

    async def on_startup(self) -> None:
        self._pub_sub = self._redis.pubsub()
        self._subscribed = asyncio.Event()

    async def on_shutdown(self) -> None:
        if self._pub_sub is not None:
            await self._pub_sub.aclose()
        self._pub_sub = self._subscribed = None

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        for channel in set(channels):
            await self._redis.publish(channel, data)

    async def subscribe(self, channels: Iterable[str]) -> None:
        pub_sub, subscribed = self._live()
        await pub_sub.subscribe(*channels)
        subscribed.set()

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        pub_sub, subscribed = self._live()
        await pub_sub.unsubscribe(*channels)
        if not self._listening(pub_sub):
            subscribed.clear()

    @staticmethod
    def _listening(pub_sub: PubSub) -> set[bytes]:
        # Redis unsubscribes through a queue: a channel asked to go may still deliver a message.
        return set(pub_sub.channels) - set(pub_sub.pending_unsubscribe_channels)

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        """Redis pub/sub keeps no history, so there is nothing to replay: an agent's screen re-reads
        its lists on connect (and on ``resync``) instead."""
        return []

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        pub_sub, subscribed = self._live()
        delay = self._retry_min
        lost = False
        while True:
            try:
                if lost:
                    await pub_sub.connect()  # reconnects and resubscribes, or raises
                    # Only Redis's answer to the resubscription proves it (a proxy in front of a
                    # stopped Redis accepts connections and drops them at once).
                    answer = await pub_sub.get_message(timeout=self._retry_max)
                    if answer is None or answer["type"] != "subscribe":
                        raise RedisConnectionError("no answer to the resubscription")
                    lost, delay = False, self._retry_min
                    log.info("helpdesk_live_resubscribed")
                    for channel in pub_sub.channels:
                        yield channel.decode(), RESYNC
                await subscribed.wait()
                message = await pub_sub.get_message(ignore_subscribe_messages=True, timeout=self._idle)
                if message is not None and message["channel"] in self._listening(pub_sub):
                    yield message["channel"].decode(), message["data"]
            except _LOST as exc:
                if not lost:
                    log.warning("helpdesk_live_connection_lost", error=type(exc).__name__)
                lost = True
                if pub_sub.connection is not None:
                    await pub_sub.connection.disconnect()
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
