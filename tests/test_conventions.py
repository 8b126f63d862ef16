"""The habits of STYLE.md, checked so they keep."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from api.app import create_app
from api.migrate import NAME, RENAMED, migration_files
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


def test_migration_numbers_only_grow_and_the_ledger_renames_are_consistent():
    """Number order is landing order (tests/test_migrations.py); RENAMED carries old ledgers over."""
    names = [p.name for p in migration_files()]
    numbers = [int(n[:4]) for n in names]
    assert numbers == sorted(set(numbers)), "migration numbers must strictly increase"
    olds, news = list(RENAMED), list(RENAMED.values())
    # two old names may lead to one file (its per-area name and its first landing-order name)
    assert not set(olds) & set(news), "a name is both renamed and a rename's target"
    assert set(news) <= set(names), f"renamed to a file that does not exist: {sorted(set(news) - set(names))}"
    assert not set(olds) & set(names), f"a renamed file's old name still exists: {sorted(set(olds) & set(names))}"
    assert all(NAME.match(n) for n in olds), olds
    assert all(old[4:] == new[4:] for old, new in RENAMED.items()), "a rename changes only the number"


# Command-line entry points: they import what each command needs when it runs, and share helpers.
def _is_cli(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "api" and (len(parts) == 2 and (parts[1] == "cli" or parts[1].startswith("cli_"))
                                  or len(parts) == 3 and parts[2] == "cli")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _domain(module: str) -> str:
    """api/<package> is a domain, as is each top-level module of api; notify, jobs and wechat are one each."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "api" and len(parts) > 1 else parts[0]


def _private(name: str) -> bool:
    return name == "q" or name.startswith("_") and not name.startswith("__")


def _imports(tree: ast.AST, module: str) -> list[tuple[ast.AST, str, str | None]]:
    """(node, imported module, imported name or None for the module itself)."""
    found: list[tuple[ast.AST, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                package = module if (ROOT / module.replace(".", "/")).is_dir() else module.rpartition(".")[0]
                package = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = ".".join(p for p in (package, base) if p)
            found += [(node, base, alias.name) for alias in node.names]
    return found


def _own(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def _is_module(dotted: str) -> bool:
    path = ROOT / dotted.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _by_area(offenders: list[str]) -> str:
    areas: dict[str, list[str]] = {}
    for line in offenders:
        areas.setdefault(_domain(_module(ROOT / line.split(":")[0])), []).append(line)
    return "\n" + "\n".join(f"  {area}: {', '.join(lines)}" for area, lines in sorted(areas.items()))


def test_no_domain_imports_another_domains_queries_or_private_names():
    offenders = []
    for path in _python_files():
        rel, module = path.relative_to(ROOT).as_posix(), _module(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}

        def crosses(target: str) -> bool:
            return _domain(target) != _domain(module) and not (_is_cli(module) and _is_cli(target))

        for node, target, name in _imports(tree, module):
            if not _own(target):
                continue
            if name is None:
                alias = next(a for a in node.names if a.name == target)
                aliases[alias.asname or target.split(".")[0]] = target if alias.asname else target.split(".")[0]
            elif _is_module(f"{target}.{name}"):
                alias = next(a for a in node.names if a.name == name)
                aliases[alias.asname or name] = f"{target}.{name}"
            elif _private(name) and crosses(target):
                offenders.append(f"{rel}:{node.lineno} imports {target}.{name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                dotted, value = [], node.value
                while isinstance(value, ast.Attribute):
                    dotted.insert(0, value.attr)
                    value = value.value
                if isinstance(value, ast.Name) and value.id in aliases:
                    target = ".".join([aliases[value.id], *dotted])
                    if _is_module(target) and crosses(target):
                        offenders.append(f"{rel}:{node.lineno} uses {target}.{node.attr}")
    assert not offenders, "another domain's q or _private name:" + _by_area(offenders)


def test_own_modules_are_imported_at_the_top_outside_the_command_line():
    """An import inside a function hides a cycle; break it by moving code to the module it belongs in."""
    offenders = []
    for path in _python_files():
        rel, module = path.relative_to(ROOT).as_posix(), _module(path)
        if _is_cli(module):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node, target, _ in _imports(fn, module):
                    if _own(target):
                        offenders.append(f"{rel}:{node.lineno} {target}")
    assert not offenders, "imports of our own modules inside functions:" + _by_area(sorted(set(offenders)))


def test_product_modules_stay_under_300_lines():
    offenders = []
    for path in _python_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > 300:
            offenders.append(f"{path.relative_to(ROOT).as_posix()}:{lines}")
    assert not offenders, "modules past 300 lines (split them):" + _by_area(offenders)


def test_the_time_zone_and_the_clock_come_from_api_clock():
    """One zone (``api.clock.ZONE``) and one injectable clock (``app.state.clock`` / ``ctx["clock"]``)."""
    offenders = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            zone = rel != "api/clock.py" and "ZoneInfo(" in line
            area_clock = re.search(r"\b[a-z]+_clock\b", line) and re.search(r"state\.|ctx\b|\.get\(", line)
            if zone or area_clock:
                offenders.append(f"{rel}:{lineno}")
    assert not offenders, "a time zone or a per-area clock outside api/clock.py:" + _by_area(offenders)


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
