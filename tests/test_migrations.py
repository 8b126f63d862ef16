"""Migrations apply in one order everywhere: by number, which is the order they landed in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from api import migrate as migrator
from api.migrate import LANDING_ORDER, RENAMED, SHIFT, OutOfOrder, shifted, migrate, migration_files
from tests.conftest import with_db

ROOT = Path(__file__).resolve().parents[1]
_FIRST = {new: old for old, new in LANDING_ORDER.items()}


def _original(name: str) -> str:
    """The name a file landed under (before issue 18's renumbering moved it)."""
    if SHIFT < int(name[:4]) <= 185:
        name = f"{int(name[:4]) - SHIFT:04d}{name[4:]}"
    return _FIRST.get(name, name)


def _landing_positions() -> dict[str, int]:
    """Each migration path's first appearance in the history, oldest commit first."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "log", "--reverse", "--topo-order", "--diff-filter=A", "--no-renames",
                          "--format=tformat:commit", "--name-only", "--", "api/migrations"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    positions: dict[str, int] = {}
    commit = 0
    for line in out.splitlines():
        if line == "commit":
            commit += 1
        elif line.strip():
            positions.setdefault(Path(line).name, commit)
    return positions


def test_number_order_is_the_order_the_migrations_landed_in():
    positions = _landing_positions()
    names = [p.name for p in migration_files()]
    # a renamed file landed when its original name did; a file not committed yet lands last
    landed = sorted(names, key=lambda n: (positions.get(_original(n), sys.maxsize), n))
    assert landed == names


async def _fresh(admin: asyncpg.Connection, base: str, name: str) -> str:
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {name}")
    return with_db(base, name)


async def _apply(dsn: str, files: list[Path]) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for path in files:
            async with conn.transaction():
                await conn.execute(path.read_text(encoding="utf-8"))
    finally:
        await conn.close()


def _pg_dump() -> str:
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
    found = str(bundled) if bundled.exists() else shutil.which("pg_dump")
    if not found:
        pytest.skip("no pg_dump")
    return found


def _schema(dsn: str) -> list[str]:
    out = subprocess.run([_pg_dump(), "--schema-only", "--no-owner", "--no-privileges", f"--dbname={dsn}"],
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.strip() and not line.startswith("--")]


async def test_the_old_number_order_and_the_landing_order_build_the_same_schema(embedded):
    files = migration_files()
    # before the renumbering a fresh database applied the original names in their number order
    # (files added after it come last either way)
    renumbered = shifted(max(LANDING_ORDER.values()))[:4]
    old_order = sorted(files, key=lambda p: (0, _original(p.name)) if p.name[:4] <= renumbered
                       else (1, p.name))
    assert old_order != files
    admin = await asyncpg.connect(embedded.database_url)
    try:
        by_old_numbers = await _fresh(admin, embedded.database_url, "order_old_numbers")
        by_landing = await _fresh(admin, embedded.database_url, "order_landing")
        await _apply(by_old_numbers, old_order)
        await _apply(by_landing, files)
        schema = _schema(by_landing)
        assert any(line.startswith("CREATE TABLE public.applications ") for line in schema)
        assert _schema(by_old_numbers) == schema
    finally:
        for name in ("order_old_numbers", "order_landing"):
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def test_a_ledger_with_the_old_names_is_carried_over_and_nothing_applies_again(embedded):
    admin = await asyncpg.connect(embedded.database_url)
    try:
        dsn = await _fresh(admin, embedded.database_url, "ledger_old_names")
        await migrate(dsn)
        conn = await asyncpg.connect(dsn)
        try:
            before = dict(await conn.fetch("SELECT name, checksum FROM schema_migrations"))
            for old, new in RENAMED.items():  # the ledger as a database migrated before the renumbering has it
                await conn.execute("UPDATE schema_migrations SET name = $1 WHERE name = $2", old, new)
            assert await migrate(dsn) == []
            assert dict(await conn.fetch("SELECT name, checksum FROM schema_migrations")) == before
        finally:
            await conn.close()
    finally:
        await admin.execute("DROP DATABASE IF EXISTS ledger_old_names WITH (FORCE)")
        await admin.close()


async def test_a_pending_migration_numbered_below_the_highest_applied_is_refused_by_name(embedded, tmp_path,
                                                                                          monkeypatch):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE first_one (id int);")
    (folder / "0003_third.sql").write_text("CREATE TABLE third_one (id int);")
    monkeypatch.setattr(migrator, "MIGRATIONS_DIR", folder)
    admin = await asyncpg.connect(embedded.database_url)
    try:
        dsn = await _fresh(admin, embedded.database_url, "late_arrival")
        assert await migrate(dsn) == ["0001_first.sql", "0003_third.sql"]
        (folder / "0002_late.sql").write_text("CREATE TABLE late_one (id int);")
        (folder / "0004_next.sql").write_text("CREATE TABLE next_one (id int);")
        with pytest.raises(OutOfOrder, match="0002_late.sql") as refused:
            await migrate(dsn)
        assert refused.value.names == ["0002_late.sql"]
        conn = await asyncpg.connect(dsn)
        try:  # nothing of the batch was applied, not even the well-numbered 0004
            assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == 2
            assert await conn.fetchval("SELECT to_regclass('next_one')") is None
        finally:
            await conn.close()

        script = (f"import sys, pathlib, api.migrate as m; m.MIGRATIONS_DIR = pathlib.Path({str(folder)!r}); "
                  "from api.cli import main; main(['migrate'])")
        res = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                             env={"ZSB_DATABASE_URL": dsn, "ZSB_REDIS_URL": embedded.redis_url, "ZSB_ENV": "test",
                                  "PATH": "/usr/bin:/bin"})
        assert res.returncode != 0
        assert "0002_late.sql" in res.stderr.strip().splitlines()[-1]
    finally:
        await admin.execute("DROP DATABASE IF EXISTS late_arrival WITH (FORCE)")
        await admin.close()
