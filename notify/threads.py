"""Where the synchronous provider SDKs (Aliyun, wechatpy) run: a thread pool fed in chunks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class ProviderThreads:
    """Where the synchronous provider SDKs run: a thread pool fed in chunks.

    The calls a worker makes in one turn of its event loop (a batch's sends start together) go to
    the pool in chunks of ``chunk``, each run one after another by one thread, with one hand-back
    to the loop per chunk. Per call, anyio.to_thread's bookkeeping took a fifth of a worker's CPU
    and a plain executor's future and wake-up a sixth; chunks of 8 on 20 threads sent 532-595
    SMS/s in bench/notify_fanout.py against 472-559 one call per task (and 8 threads one call per
    task: 239-261). A call's exception goes to its own caller only.
    """

    def __init__(self, threads: int = 20, chunk: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="provider")
        self._chunk = chunk
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []

    async def run(self, call: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if loop is not self._loop or not self._waiting:
            # a fresh list each turn (and for a new loop: a stale one of a closed loop is dropped)
            self._loop, self._waiting = loop, []
            loop.call_soon(self._hand_over, loop, self._waiting)
        self._waiting.append((call, future))
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop, calls: list[Any]) -> None:
        if calls is self._waiting:
            self._waiting = []
        for start in range(0, len(calls), self._chunk):
            self._pool.submit(self._run_chunk, loop, calls[start:start + self._chunk])

    @staticmethod
    def _run_chunk(loop: asyncio.AbstractEventLoop, calls: list[tuple[Callable[[], Any], asyncio.Future[Any]]]) -> None:
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        for call, future in calls:
            try:
                outcomes.append((future, call(), None))
            except BaseException as exc:  # handed to the task that awaits this call
                outcomes.append((future, None, exc))
        loop.call_soon_threadsafe(ProviderThreads._settle, outcomes)

    @staticmethod
    def _settle(outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
        for future, value, exc in outcomes:
            if future.cancelled():  # its job was cancelled meanwhile; the row's claim covers it
                continue
            if exc is not None:
                future.set_exception(exc)
            else:
                future.set_result(value)


_PROVIDER_THREADS = ProviderThreads()


async def in_thread(call: Callable[[], T]) -> T:
    return await _PROVIDER_THREADS.run(call)
