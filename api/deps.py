"""Application-wide dependencies: settings, pools, clients and the caller."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from api.auth.schemas import AuthUser
from api.settings import Settings

from api.db import provide_conn, provide_read_conn


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
