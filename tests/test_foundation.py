from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncpg
import pytest

from api.migrate import migrate, migration_files
from api.settings import Settings, SettingsError
from tests.conftest import with_db


async def test_two_migrations_started_together_apply_each_file_once(embedded):
    admin = await asyncpg.connect(embedded.database_url)
    await admin.execute("DROP DATABASE IF EXISTS race_migrate WITH (FORCE)")
    await admin.execute("CREATE DATABASE race_migrate")
    dsn = with_db(embedded.database_url, "race_migrate")
    try:
        first, second = await asyncio.gather(migrate(dsn), migrate(dsn))
        assert sorted(first + second) == sorted(p.name for p in migration_files())
        conn = await asyncpg.connect(dsn)
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(migration_files())
        await conn.close()
        assert await migrate(dsn) == []
    finally:
        await admin.execute("DROP DATABASE IF EXISTS race_migrate WITH (FORCE)")
        await admin.close()


def test_two_zsb_migrate_processes_both_succeed(embedded, tmp_path):
    async def fresh() -> str:
        admin = await asyncpg.connect(embedded.database_url)
        await admin.execute("DROP DATABASE IF EXISTS race_cli WITH (FORCE)")
        await admin.execute("CREATE DATABASE race_cli")
        await admin.close()
        return with_db(embedded.database_url, "race_cli")

    dsn = asyncio.run(fresh())
    env = {"ZSB_DATABASE_URL": dsn, "ZSB_REDIS_URL": embedded.redis_url, "ZSB_ENV": "test", "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-m", "api.cli", "migrate"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    applied = sorted(int(o[0].split("migrations applied: ")[1].split()[0]) for o in outs)
    assert applied == [0, len(migration_files())]


def test_a_bad_setting_names_the_variable():
    with pytest.raises(SettingsError, match="ZSB_PORT"):
        Settings.from_env({"ZSB_PORT": "eighty"})
    with pytest.raises(SettingsError, match="ZSB_WECHAT_MODE"):
        Settings.from_env({"ZSB_WECHAT_MODE": "maybe"})
    with pytest.raises(SettingsError, match="ZSB_JWT_SECRET"):
        Settings.from_env({"ZSB_ENV": "production"})
    with pytest.raises(SettingsError, match="ZSB_WECHAT_APPID"):
        Settings.from_env({"ZSB_WECHAT_MODE": "live"})


def test_production_refuses_sandbox_providers():
    env = {"ZSB_ENV": "production", "ZSB_JWT_SECRET": "s" * 40, "ZSB_DATABASE_URL": "postgresql://x",
           "ZSB_REDIS_URL": "redis://x"}
    with pytest.raises(SettingsError, match="ZSB_WECHAT_MODE"):
        Settings.from_env(env)


def test_the_cli_prints_one_line_for_a_bad_setting():
    res = subprocess.run([sys.executable, "-m", "api.cli", "migrate"], env={"ZSB_PORT": "x", "PATH": "/usr/bin"},
                         capture_output=True, text=True)
    assert res.returncode != 0
    assert res.stderr.strip().splitlines()[-1].startswith("zsb: ZSB_PORT")


def test_dev_generates_a_jwt_secret_but_production_does_not():
    assert len(Settings.from_env({}).jwt_secret) >= 32


async def test_health_readiness_metrics_and_schema(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200 and {k: body[k] for k in ("ready", "postgres", "redis")} == {
        "ready": True, "postgres": True, "redis": True}
    assert body["workdayCalendar"]["horizonDays"] == 60  # a detail, never a readiness condition
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and "request_duration_seconds" in metrics.text
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200 and "/api/v1/auth/wechat" in schema.json()["paths"]
    assert ready.headers["x-request-id"]


async def test_unknown_routes_are_404_problems(client):
    res = await client.get("/api/v1/nowhere")
    assert res.status_code == 404
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["code"] == "not_found"


async def test_an_id_beyond_what_the_database_holds_is_a_400_not_a_500(client):
    from tests.factories import applicant

    me = await applicant(client, "huge")
    res = await client.get("/api/v1/applications/99999999999999999999999", headers=me["headers"])
    assert res.status_code in (400, 404)
    assert res.headers["content-type"].startswith("application/problem+json")
