"""Background work on arq: the WorkerSettings, job functions and cron schedules."""

from __future__ import annotations

from arq.connections import RedisSettings


def redis_settings(url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 2
    settings.conn_retries = 2
    return settings
