"""The whole worker is this one WorkerSettings (``zsb worker`` runs it)."""

from __future__ import annotations

from typing import Any

from arq import cron

from api.db import create_pool
from api.settings import Settings
from jobs import maintenance, redis_settings
from wechat import gateway_for

FUNCTIONS: list[Any] = [
    maintenance.purge_idempotency_keys,
]

CRON_JOBS: list[Any] = [
    cron(maintenance.purge_idempotency_keys, hour={3}, minute={17}, run_at_startup=False, unique=True),
]


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or Settings.from_env()
    ctx["settings"] = settings
    ctx["pool"] = await create_pool(settings.database_url or "", min_size=1, max_size=10,
                                    statement_cache_size=settings.db_statement_cache_size)
    ctx["wechat"] = gateway_for(settings)


async def shutdown(ctx: dict[str, Any]) -> None:
    pool = ctx.pop("pool", None)
    if pool is not None:
        await pool.close()


def worker_settings(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``arq.worker.Worker`` built from our settings."""
    options: dict[str, Any] = {
        "functions": FUNCTIONS,
        "cron_jobs": CRON_JOBS,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": redis_settings(settings.redis_url or ""),
        "ctx": {"settings": settings},
        "max_jobs": 50,
        "job_timeout": 120,
        "keep_result": 3600,
        "max_tries": 8,
        "handle_signals": True,
        # SIGTERM: stop taking jobs, let running ones finish within this grace period.
        "job_completion_wait": 30,
    }
    options.update(overrides)
    return options


class WorkerSettings:
    """For ``arq jobs.worker.WorkerSettings``; settings come from the environment."""

    functions = FUNCTIONS
    cron_jobs = CRON_JOBS
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = 50
    job_completion_wait = 30
