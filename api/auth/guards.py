"""Role guards: ``guards=[requires_staff]`` on a controller or route.

They are coroutines: Litestar runs a plain-function guard in its thread pool, a thread hop on
every request for a check that only reads the scope.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException


def _user(connection: ASGIConnection) -> Any:
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException()
    return user


def requires_role(*roles: str) -> Any:
    async def guard(connection: ASGIConnection, _: Any) -> None:
        if not _user(connection).has(*roles):
            raise PermissionDeniedException()

    guard.__name__ = f"requires_{'_or_'.join(roles)}"
    return guard


async def requires_login(connection: ASGIConnection, _: Any) -> None:
    _user(connection)


requires_approver = requires_role("approver", "lead", "admin")
requires_helpdesk = requires_role("helpdesk", "admin")
requires_admin = requires_role("admin")
requires_staff = requires_role("approver", "helpdesk", "admin", "lead")
