"""Plain-SQL migrations ``api/migrations/NNNN_name.sql``, applied in order under an advisory lock."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import asyncpg
import structlog

log = structlog.get_logger("zsb.migrate")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")
LOCK_ID = 0x7A5B_0001  # any constant shared by every process of this product

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


def migration_files() -> list[Path]:
    return sorted(p for p in MIGRATIONS_DIR.glob("*.sql"))


async def migrate(dsn: str) -> list[str]:
    """Apply every pending migration once, even when several processes start together."""
    conn = await asyncpg.connect(dsn)
    applied: list[str] = []
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_ID)
        try:
            await conn.execute(_LEDGER)
            done = {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}
            for path in migration_files():
                sql = path.read_text(encoding="utf-8")
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                if path.name in done:
                    if done[path.name] != checksum:
                        log.warning("migration_changed_after_apply", name=path.name)
                    continue
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                                       path.name, checksum)
                applied.append(path.name)
                log.info("migration_applied", name=path.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_ID)
    finally:
        await conn.close()
    return applied
