"""The provider thread pool hands calls over in chunks; every caller gets its own answer."""

from __future__ import annotations

import asyncio
import threading

import pytest

from notify.threads import ProviderThreads


def test_chunks_deliver_each_result_and_error_to_its_own_caller_on_any_loop():
    pool = ProviderThreads(threads=2, chunk=4)
    ran_on: list[str] = []

    def call(i: int) -> int:
        ran_on.append(threading.current_thread().name)
        if i == 5:
            raise ValueError("refused")
        return i * i

    async def many() -> list[object]:
        return await asyncio.gather(*(pool.run(lambda i=i: call(i)) for i in range(10)), return_exceptions=True)

    for _ in range(2):  # a second event loop (as each test's worker has) is served as well
        ran_on.clear()
        results = asyncio.run(many())
        assert [r if not isinstance(r, Exception) else str(r) for r in results] == \
            [0, 1, 4, 9, 16, "refused", 36, 49, 64, 81]
        assert all(name.startswith("provider") for name in ran_on) and len(ran_on) == 10


def test_a_cancelled_caller_does_not_break_the_others():
    pool = ProviderThreads(threads=1, chunk=8)
    gate = threading.Event()

    async def scenario() -> int:
        slow = asyncio.ensure_future(pool.run(lambda: gate.wait(5) and 1))
        fast = asyncio.ensure_future(pool.run(lambda: 2))
        await asyncio.sleep(0.05)
        slow.cancel()
        gate.set()
        with pytest.raises(asyncio.CancelledError):
            await slow
        return await fast

    assert asyncio.run(scenario()) == 2
