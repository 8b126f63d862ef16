"""Issue 17, item 7: argon2 runs in a bounded pool of worker threads, never on the event loop, so
the API keeps answering while password checks are in flight (figures: bench/, not here)."""

from __future__ import annotations

import asyncio
import threading

import httpx

from api.auth import passwords
from tests.console.conftest import live_server


class HeldHasher:
    """Stands in for argon2: each check holds its thread until the test lets it go."""

    def __init__(self, real) -> None:
        self.real = real
        self.release = threading.Event()
        self.threads: list[str] = []
        self.started = threading.Semaphore(0)

    def verify(self, stored: str, password: str) -> bool:
        self.threads.append(threading.current_thread().name)
        self.started.release()
        # On the event loop this would freeze the whole app; the bound only keeps a broken
        # build from hanging the run.
        self.release.wait(timeout=8)
        return self.real.verify(stored, password)

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def check_needs_rehash(self, stored: str) -> bool:
        return self.real.check_needs_rehash(stored)


async def test_healthz_answers_while_password_checks_are_in_flight(settings, monkeypatch):
    held = HeldHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", held)
    # A real server on loopback (its own thread and event loop) and concurrent HTTP clients: the
    # test client would run the requests one after another.
    with live_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            guesses = [asyncio.create_task(http.post("/api/v1/auth/staff-login",
                                                     json={"phone": f"1370017100{i}", "password": "guess-123"}))
                       for i in range(3)]
            assert await asyncio.to_thread(held.started.acquire, True, 10)  # a guess is in its password check
            health = await asyncio.wait_for(http.get("/healthz"), timeout=5)
            assert health.status_code == 200
            assert not any(g.done() for g in guesses)  # /healthz answered while the checks were held
            held.release.set()
            answers = await asyncio.gather(*guesses)
    assert [a.status_code for a in answers] == [401] * 3
    main = threading.main_thread().name
    assert len(held.threads) == 3 and all(t.startswith(passwords.THREAD_PREFIX) and t != main for t in held.threads)


async def test_the_pool_is_bounded():
    assert 1 <= passwords._pool._max_workers == passwords.WORKERS <= 4
