"""What every ``zsb`` command needs: its settings, the URLs it cannot run without, one transaction.

The domain commands (``api/*/cli.py``) use these as ``api/cli.py`` does.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg

from api.db import create_pool, transaction
from api.settings import Settings, SettingsError

T = TypeVar("T")


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment; a bad one ends the command with one line naming it."""
    try:
        return Settings.from_env(**overrides)
    except SettingsError as exc:
        sys.exit(f"zsb: {exc}")


def require_urls(settings: Settings) -> None:
    if not settings.database_url or not settings.redis_url:
        sys.exit("zsb: ZSB_DATABASE_URL and ZSB_REDIS_URL must be set (or use `zsb dev`)")


async def with_conn(settings: Settings, fn: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run ``fn(conn)`` in one transaction on a small pool of its own."""
    pool = await create_pool(settings.database_url or "", min_size=1, max_size=2,
                             statement_cache_size=settings.db_statement_cache_size)
    try:
        async with transaction(pool) as conn:
            return await fn(conn)
    finally:
        await pool.close()
