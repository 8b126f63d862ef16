from __future__ import annotations

from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController

from api.clock import today
from api.deps import Pool, Redis
from api.ops import service
from api.ops.service import Readiness

PUBLIC = {"exclude_from_auth": True}


@get("/healthz", opt=PUBLIC, operation_id="healthz", summary="存活检查", tags=["ops"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", opt=PUBLIC, operation_id="readyz", summary="就绪检查（PostgreSQL 与 Redis）", tags=["ops"])
async def readyz(pool: Pool, redis: Redis, state: State) -> Response[Readiness]:
    result = await service.readiness(pool, redis, today(state))
    return Response(result, status_code=200 if result.ready else 503)


def metrics_token_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    allowed = service.metrics_allowed(connection.app.state.settings, connection.headers.get("authorization"))
    if allowed is None:
        raise NotFoundException()
    if not allowed:
        raise NotAuthorizedException(headers={"WWW-Authenticate": "Bearer"})


class MetricsController(PrometheusController):
    """Prometheus metrics at /metrics, for scrapers rather than API clients: with
    ``Authorization: Bearer $ZSB_METRICS_TOKEN``."""

    include_in_schema = False
    opt = PUBLIC
    guards = [metrics_token_guard]
