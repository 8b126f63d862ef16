"""The habits of STYLE.md, checked so they keep."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from api.app import create_app
from api.migrate import NAME, migration_files
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["api", "wechat", "notify", "jobs"]
SQL_CALLS = {"execute", "executemany", "fetch", "fetchrow", "fetchval", "copy_records_to_table"}
# Modules allowed to send SQL text directly: the migration runner, the pool set-up, the CLI's
# database bootstrap and the embedded-services helper. Everything else uses named queries.
SQL_ALLOWED = {"api/migrate.py", "api/db.py"}


def _python_files() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]


def test_migrations_are_numbered_and_named():
    files = migration_files()
    assert files, "no migrations"
    names = [p.name for p in files]
    assert all(NAME.match(n) for n in names), names
    numbers = [n[:4] for n in names]
    assert len(set(numbers)) == len(numbers), "two migrations share a number"


def test_sql_runs_only_in_services():
    offenders = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in SQL_ALLOWED or path.name == "service.py" or rel.startswith("api/") and "/service" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                        and re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP)\b",
                                     node.args[0].value, re.I):
                    offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, f"SQL outside services and .sql files: {offenders}"


def test_routes_hold_no_sql_and_no_try():
    for path in (ROOT / "api").rglob("routes.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        assert not any(isinstance(n, ast.Try) for n in ast.walk(tree)), f"{path}: try in a route module"
        assert "load_queries" not in source, f"{path}: routes must call services, not queries"


def test_every_route_has_an_operation_id_and_a_chinese_summary():
    app = create_app(Settings(env="test", jwt_secret="x" * 40, database_url="postgresql://unused",
                              redis_url="redis://localhost:1"))
    schema = app.openapi_schema.to_schema()
    missing, not_chinese, seen = [], [], set()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            op_id = op.get("operationId", "")
            # Litestar generates ids like "ApiV1AuthWechatAuthWechat" when none is given
            if not op_id or op_id in seen or op_id[0].isupper():
                missing.append(f"{method.upper()} {path} ({op_id})")
            seen.add(op_id)
            if path != "/metrics" and not re.search(r"[\u4e00-\u9fff]", op.get("summary", "")):
                not_chinese.append(f"{method.upper()} {path}")
    assert not missing, f"routes without a stable operationId: {missing}"
    assert not not_chinese, f"routes without a Chinese summary: {not_chinese}"


def test_every_job_function_is_registered_with_the_worker():
    from jobs.worker import CRON_JOBS, FUNCTIONS

    registered = {f.__name__ if callable(f) else f.name for f in FUNCTIONS}
    registered |= {c.coroutine.__name__ for c in CRON_JOBS}
    defined = set()
    for path in (ROOT / "jobs").glob("*.py"):
        if path.name in {"__init__.py", "worker.py"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.AsyncFunctionDef) and node.args.args and node.args.args[0].arg == "ctx":
                defined.add(node.name)
    assert defined <= registered, f"jobs not registered in jobs/worker.py: {defined - registered}"


def test_domain_errors_have_a_code_and_a_chinese_message():
    from api.errors import DomainError

    def walk(cls: type) -> list[type]:
        return [cls, *[c for sub in cls.__subclasses__() for c in walk(sub)]]

    import importlib
    import pkgutil

    import api

    for mod in pkgutil.walk_packages(api.__path__, "api."):
        importlib.import_module(mod.name)
    for cls in walk(DomainError):
        assert re.fullmatch(r"[a-z][a-z0-9_]+", cls.code), cls
        assert re.search(r"[\u4e00-\u9fff]", cls.__doc__ or ""), f"{cls.__name__} needs a Chinese docstring"


def test_route_dependencies_resolve_in_order_without_task_groups():
    """api/deps.py replaces Litestar's per-request task group for independent dependencies; a
    Litestar upgrade that renames the internals must fail here, not silently lose the speed-up."""
    from litestar._kwargs.kwargs_model import KwargsModel

    import api.deps  # noqa: F401  (installs the resolver)

    assert getattr(KwargsModel.resolve_dependencies, "in_order", False)
