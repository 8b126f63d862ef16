"""Application-wide dependencies: settings, pools, clients and the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from api import clock
from api.auth.schemas import AuthUser
from api.settings import Settings

from api.db import provide_conn, provide_read_conn


def resolve_dependencies_in_order() -> None:
    """Resolve a route's independent dependencies one after another instead of in an anyio task
    group. Litestar (2.x) opens a task group for every batch of two or more, even when each is a
    plain attribute read like ours (``sync_to_thread=False``): one task, event and cancel scope per
    dependency on every request, 11 % of the API's CPU in the booking rush. The only awaiting
    dependencies here take a pooled connection, which gains nothing from running beside an
    attribute read. Installed once at import; tests/test_conventions.py checks it is in place.

    This replaces a method of Litestar's internal ``KwargsModel``: Litestar has no public setting
    for it (litestar-org/litestar#4563, "Optimize dependency resolution overhead (TaskGroup
    bottleneck)", open), and the public alternative, every route reading settings, pools and the
    caller off ``request`` instead of declaring them, would undo the explicit dependencies that
    Litestar 3 requires. Remove it when Litestar resolves plain dependencies without a task group.
    """
    from litestar._kwargs.cleanup import DependencyCleanupGroup
    from litestar._kwargs.dependencies import resolve_dependency
    from litestar._kwargs.kwargs_model import KwargsModel

    async def resolve_dependencies(self: KwargsModel, connection: Any, kwargs: dict[str, Any]) -> DependencyCleanupGroup:
        cleanup_group = DependencyCleanupGroup()
        try:
            for batch in self.dependency_batches:
                for dependency in batch:
                    await resolve_dependency(dependency, connection, kwargs, cleanup_group)
        except BaseException as exc:
            # a later dependency failed: the request transaction an earlier one opened rolls back
            # and its connection goes back to the pool now (Litestar would leave that to the GC)
            await cleanup_group.close(exc)
            raise
        return cleanup_group

    resolve_dependencies.in_order = True  # type: ignore[attr-defined]
    KwargsModel.resolve_dependencies = resolve_dependencies  # type: ignore[method-assign]


resolve_dependencies_in_order()


def _settings(state: State) -> Any:
    return state.settings


def _pool(state: State) -> Any:
    return state.pool


def _redis(state: State) -> Any:
    return state.redis


def _wechat(state: State) -> Any:
    return state.wechat


def _jwt(state: State) -> Any:
    return state.jwt_auth


def _current_user(request: Request) -> Any:
    return request.user


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


DEPENDENCIES = {
    "conn": Provide(provide_conn),
    "read_conn": Provide(provide_read_conn),
    "settings": Provide(_settings, sync_to_thread=False),
    "pool": Provide(_pool, sync_to_thread=False),
    "redis": Provide(_redis, sync_to_thread=False),
    "wechat": Provide(_wechat, sync_to_thread=False),
    "jwt": Provide(_jwt, sync_to_thread=False),
    "user": Provide(_current_user, sync_to_thread=False),
    "client_ip": Provide(_client_ip, sync_to_thread=False),
    "now": Provide(clock.provide_now, sync_to_thread=False),  # the app's clock, for any route that asks
}

# Explicit dependency markers for route signatures (Litestar 3 drops inferred dependencies).
Conn = NamedDependency[asyncpg.Connection]
ReadConn = NamedDependency[asyncpg.Connection]
Pool = NamedDependency[asyncpg.Pool]
Redis = NamedDependency[Any]
AppSettings = NamedDependency[Settings]
WeChat = NamedDependency[Any]  # a WeChatGateway
Jwt = NamedDependency[Any]  # JWTAuth: a dataclass msgspec would try to validate
CurrentUser = NamedDependency[AuthUser]
ClientIp = NamedDependency[str]
Now = NamedDependency[datetime]  # the app's clock (api.clock): decisions and stamps are dated by it
