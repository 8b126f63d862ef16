"""Password guessing against the event loop (issue 17, item 7): /healthz latency while six clients
guess staff passwords as fast as they can.

    .venv/bin/python bench/password_guessers.py [--inline]

Starts the embedded PostgreSQL and Redis, migrates, runs the app under uvicorn on loopback (the
console tests' LiveServer) and measures 200 sequential GET /healthz: idle, then with six guessers
(each guess a new phone, so neither the per-account lock nor the per-address limit, switched off
here, turns guesses into cheap refusals). ``--inline`` checks passwords on the event loop as
before the fix, for comparison. Client and server share the process and the machine's cores:
compare runs on the same machine only.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import devservices  # noqa: E402
from api.auth import passwords  # noqa: E402
from api.auth import routes  # noqa: E402
from api.migrate import migrate  # noqa: E402
from api.settings import Settings  # noqa: E402
from tests.console.conftest import LiveServer  # noqa: E402

GUESSERS = 6


async def _healthz(http: httpx.AsyncClient, n: int = 200) -> tuple[float, float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        assert (await http.get("/healthz")).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sorted(times)[int(n * 0.99) - 1]


async def _guess(http: httpx.AsyncClient, i: int, stop: asyncio.Event) -> None:
    k = 0
    while not stop.is_set():
        k += 1
        await http.post("/api/v1/auth/staff-login", json={"phone": f"137{i:02d}{k:06d}", "password": "guess"})


async def run(settings: Settings) -> None:
    with LiveServer(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            print("idle:        /healthz p50 %.1f ms, p99 %.1f ms" % await _healthz(http))
            stop = asyncio.Event()
            guessers = [asyncio.create_task(_guess(http, i, stop)) for i in range(GUESSERS)]
            await asyncio.sleep(1)
            print(f"{GUESSERS} guessers: /healthz p50 %.1f ms, p99 %.1f ms" % await _healthz(http))
            stop.set()
            await asyncio.gather(*guessers)


def main() -> None:
    async def no_address_limit(request: object) -> bool:
        return False

    routes.login_rate_limit.check_throttle_handler = no_address_limit
    if "--inline" in sys.argv:
        async def inline(stored: str | None, password: str) -> bool:
            return passwords._verify(stored or passwords._DUMMY_HASH, password) and stored is not None

        passwords.verify = inline  # type: ignore[assignment]
    tmp = Path(tempfile.mkdtemp(prefix="zsb-bench-"))
    services = devservices.start(tmp)
    try:
        asyncio.run(migrate(services.database_url))
        asyncio.run(run(Settings(env="test", database_url=services.database_url, redis_url=services.redis_url,
                                 jwt_secret="bench-" + "x" * 40, var_dir=str(tmp / "var"), log_level="WARNING")))
    finally:
        services.stop()


if __name__ == "__main__":
    main()
