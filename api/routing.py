"""Controllers under a path prefix (and a layer's settings) without a Router around them.

Litestar deep-copies every Router it registers (handlers, signatures and all), so an app built
as ``Router("/api/v1", route_handlers=[...])`` paid that copy on every start: about a third of
``create_app`` (tests build an app per test). So each controller gets a subclass whose ``path``
carries the prefix and whose layer settings carry the router's (middleware first, the
controller's own exception handlers over the router's, its own request class before the
router's: what Litestar resolves through the layers); Litestar then registers it as any
controller. Anything else (a websocket handler, a static files router) stays in a small Router
with the same settings, whose copy costs little.
"""

from __future__ import annotations

import types
from functools import cache
from typing import Any

from litestar import Controller, Router

LAYER = ("middleware", "exception_handlers", "request_class", "include_in_schema")


def _own(controller: type[Controller], name: str) -> Any:
    value = getattr(controller, name, None)
    return None if isinstance(value, types.MemberDescriptorType) else value  # unset: a slot


def _subclass(controller: type[Controller], attrs: dict[str, Any]) -> type[Controller]:
    return type(controller.__name__, (controller,), {
        "__module__": controller.__module__, "__qualname__": controller.__qualname__,
        "__doc__": controller.__doc__, **attrs})


@cache
def _prefixed(prefix: str, controller: type[Controller]) -> type[Controller]:
    return _subclass(controller, {"path": prefix.rstrip("/") + "/" + controller.path.strip("/")})


def _layered(prefix: str, controller: type[Controller], layer: dict[str, Any]) -> type[Controller]:
    attrs: dict[str, Any] = {"path": prefix.rstrip("/") + "/" + controller.path.strip("/")}
    if layer.get("middleware"):
        attrs["middleware"] = [*layer["middleware"], *(_own(controller, "middleware") or [])]
    if layer.get("exception_handlers"):
        attrs["exception_handlers"] = {**layer["exception_handlers"], **(_own(controller, "exception_handlers") or {})}
    for name in ("request_class", "include_in_schema"):
        if name in layer and _own(controller, name) is None:
            attrs[name] = layer[name]
    return _subclass(controller, attrs)


def under(prefix: str, route_handlers: list[Any], **layer: Any) -> list[Any]:
    """``route_handlers`` as if registered on ``Router(prefix, route_handlers, **layer)``; the
    layer may set only ``middleware``, ``exception_handlers``, ``request_class``, ``include_in_schema``."""
    if set(layer) - set(LAYER):
        raise TypeError(f"under(): {sorted(set(layer) - set(LAYER))} belong on a Router")
    out: list[Any] = []
    rest: list[Any] = []
    for handler in route_handlers:
        if isinstance(handler, type) and issubclass(handler, Controller):
            out.append(_layered(prefix, handler, layer) if layer else _prefixed(prefix, handler))
        else:
            rest.append(handler)
    return [*out, Router(prefix, route_handlers=rest, **layer)] if rest else out
