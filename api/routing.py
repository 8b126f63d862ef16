"""Controllers under a path prefix without a Router around them.

Litestar deep-copies every Router it registers (handlers, signatures and all), so an app built
as ``Router("/api/v1", route_handlers=[...])`` paid that copy on every start: about a third of
``create_app`` (tests build an app per test). A plain path prefix adds nothing to a route but
its path, so each controller gets a subclass whose ``path`` carries the prefix; Litestar then
registers it as it registers any controller. Anything else (a websocket handler) stays in a small
Router, whose copy costs little. Only for prefixes with no layer settings of their own (guards,
middleware, dependencies...): those belong on a Router.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from litestar import Controller, Router


@cache
def _prefixed(prefix: str, controller: type[Controller]) -> type[Controller]:
    return type(controller.__name__, (controller,), {
        "__module__": controller.__module__, "__qualname__": controller.__qualname__,
        "__doc__": controller.__doc__, "path": prefix.rstrip("/") + "/" + controller.path.strip("/")})


def under(prefix: str, handlers: list[Any]) -> list[Any]:
    """``handlers`` as if registered on ``Router(prefix, route_handlers=handlers)``."""
    out: list[Any] = []
    rest: list[Any] = []
    for handler in handlers:
        if isinstance(handler, type) and issubclass(handler, Controller):
            out.append(_prefixed(prefix, handler))
        else:
            rest.append(handler)
    return [*out, Router(prefix, route_handlers=rest)] if rest else out
