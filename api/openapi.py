"""Every route declares its error responses, with their problem ``code``s, in the OpenAPI document.

The codes are derived, not typed by hand: from each route's handler, the functions it calls are
followed through their source (names resolved in their modules, within api/, notify/, wechat/) and
every ``raise SomeDomainError(...)`` found on the way is collected, plus the codes any route of
its kind can answer (a malformed request: ``validation_failed``; a route behind the login:
``unauthorized``; a guarded one: ``forbidden``; ...). A route whose errors the walk cannot see (an
error chosen at run time, raised through a dependency) lists them in ``EXTRA``. Schemathesis
checks every answer against the declared statuses and codes (tests/security/test_schemathesis.py).

Each (status, codes) becomes a problem schema whose ``code`` is an enum, so a generated client
(clients/ts) can switch over the codes a route really answers.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
import types
from collections.abc import Iterator
from functools import cache
from typing import Any, Literal

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from api.errors import DomainError, ValidationFailed

PACKAGES = ("api", "notify", "wechat", "jobs")
DEPTH = 8
DESCRIPTIONS = {400: "请求格式不正确", 401: "未登录或登录已失效", 403: "没有权限", 404: "没有找到", 409: "当前状态下不能执行",
                410: "已失效", 413: "内容过大", 415: "不支持的内容类型", 422: "内容未通过校验", 429: "操作太频繁",
                503: "服务暂时不可用"}
# Codes a route raises where the source walk cannot follow (a dependency, a trigger mapped at run time).
EXTRA: dict[str, dict[int, list[str]]] = {}


def _resolve(node: ast.AST, scope: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _errors_in(value: Any) -> set[type[DomainError]]:
    """The domain error classes a value names: a class, or a tuple/list of them (error tables)."""
    if isinstance(value, type) and issubclass(value, DomainError):
        return {value}
    if isinstance(value, (tuple, list)) and len(value) < 50:
        return set().union(*(_errors_in(v) for v in value)) if value else set()
    if isinstance(value, dict) and len(value) < 50:
        return _errors_in(list(value.values()))
    return set()


@cache
def _methods() -> dict[str, list[Any]]:
    """Method name -> our classes' functions of that name: a call on an injected object
    (``wechat.code_to_session(...)``) is followed into every class that could be behind it."""
    import pkgutil
    import sys

    # every module of ours first, so the index (and so the document) does not depend on what the
    # process happened to import before
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            importlib.import_module(info.name)
    index: dict[str, list[Any]] = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in PACKAGES or module is None:
            continue
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == name:
                for attr, fn in vars(cls).items():
                    if isinstance(fn, types.FunctionType) and not attr.startswith("__"):
                        index.setdefault(attr, []).append(fn)
    return index


def _ours(obj: Any) -> bool:
    return isinstance(obj, types.FunctionType) and (obj.__module__ or "").split(".")[0] in PACKAGES


@cache
def _tree(fn: types.FunctionType) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None


def raised_by(fn: Any) -> frozenset[type[DomainError]]:
    """The domain errors ``fn`` and the functions it calls (followed through their source) raise."""
    return _raised_by(inspect.unwrap(getattr(fn, "__func__", fn)))


@cache  # the same functions in every app a process builds (tests build one per test)
def _raised_by(fn: Any) -> frozenset[type[DomainError]]:
    found: set[type[DomainError]] = set()
    seen: set[Any] = set()

    def walk(f: Any, depth: int) -> None:
        f = getattr(f, "__func__", f)  # a controller's bound method: its function
        if not _ours(f):
            return
        f = inspect.unwrap(f)
        if f in seen or depth > DEPTH or not _ours(f):
            return
        seen.add(f)
        tree = _tree(f)
        if tree is None:
            return
        scope = {**f.__globals__, **dict(zip(f.__code__.co_freevars,
                                             (c.cell_contents for c in f.__closure__ or ()), strict=False))}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                # raised here or handed on (``invalid=WechatCodeInvalid``, a table of errors)
                found.update(_errors_in(_resolve(node, scope)))
            if isinstance(node, ast.Call):
                target = _resolve(node.func, scope)
                if target is None and isinstance(node.func, ast.Attribute):
                    candidates = _methods().get(node.func.attr, [])
                    for fn in candidates if len(candidates) <= 4 else []:
                        walk(fn, depth + 1)
                else:
                    walk(target, depth + 1)
                for arg in node.args:  # a function handed on (``to_thread.run_sync(_check_pdf, path)``)
                    walk(_resolve(arg, scope), depth + 1)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                # function-local imports (``from api.x import y`` inside the body) join the scope
                module = importlib.import_module(node.module)
                for alias in node.names:
                    scope.setdefault(alias.asname or alias.name, getattr(module, alias.name, None))
    walk(fn, 0)
    return frozenset(found)


def _public(handler: HTTPRouteHandler) -> bool:
    return any(layer.opt.get("exclude_from_auth") for layer in handler.ownership_layers if hasattr(layer, "opt"))


BASE = {400: (ValidationFailed.code, "bad_request"), 401: ("unauthorized",), 403: ("forbidden",),
        404: ("not_found",), 413: ("payload_too_large",), 415: ("unsupported_media_type",),
        429: ("too_many_requests",), 503: ("database_unavailable", "unavailable")}


def declared(handler: HTTPRouteHandler, path: str) -> dict[int, list[str]]:
    """status -> the problem codes ``handler`` (at ``path``) may answer."""
    statuses = [400, 429, 503]
    if not _public(handler):
        statuses += [401, 403]
    if "{" in path or handler.http_methods & {"POST", "PUT", "PATCH", "DELETE"}:
        statuses.append(404)
    if handler.http_methods & {"POST", "PUT", "PATCH"}:
        statuses += [413, 415]
    codes: dict[int, set[str]] = {s: set(BASE[s]) for s in statuses}
    for err in raised_by(handler.fn):
        codes.setdefault(err.status, set()).add(err.code)
    for status, extra in EXTRA.get(handler.operation_id or "", {}).items():  # type: ignore[arg-type]
        codes.setdefault(status, set()).update(extra)
    return {status: sorted(c) for status, c in sorted(codes.items())}


@cache
def _problem(name: str, status: int, codes: tuple[str, ...]) -> type[msgspec.Struct]:
    return msgspec.defstruct(name, [
        ("status", Literal[status]),  # type: ignore[valid-type]
        ("code", Literal[codes]),  # type: ignore[valid-type]
        ("title", str),
        ("request_id", str),
        ("detail", str | None, None),
        ("errors", list[Any] | None, None),
    ], rename="camel", kw_only=True)


def _handlers(app: Litestar) -> Iterator[tuple[str, HTTPRouteHandler]]:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and handler.include_in_schema and handler.operation_id:
                yield route.path, handler


def _pascal(operation_id: str) -> str:
    return operation_id[:1].upper() + operation_id[1:]


def declare_errors(app: Litestar) -> None:
    """Give every documented route its error responses (cheap: the document itself is built on
    first request of /schema, reading these)."""
    for path, handler in _handlers(app):
        responses = dict(handler.responses or {})
        for status, codes in declared(handler, path).items():
            key = tuple(codes)
            shared = key == tuple(sorted(BASE.get(status, ())))
            name = f"Problem{status}" if shared else f"{_pascal(str(handler.operation_id))}Problem{status}"
            responses.setdefault(status, ResponseSpec(
                data_container=_problem(name, status, key), media_type="application/problem+json",
                generate_examples=False, description=f"{DESCRIPTIONS.get(status, '错误')}（code: {', '.join(codes)}）"))
        handler.responses = responses
