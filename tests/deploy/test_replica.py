"""ZSB_DATABASE_REPLICA_URL: catalogue and FAQ reads (the ``read_conn`` dependency) go to the
replica. A second database cloned from the same template stands in for it; which database a read
reached shows where it went. Probe routes registered on the test app use ``read_conn`` exactly as
the domain routes do."""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg
import msgspec
import pytest
from litestar import get, post
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.deps import ReadConn
from tests.conftest import clone_template, drop_databases

PUBLIC = {"exclude_from_auth": True}


@get("/probe/read-database", opt=PUBLIC, operation_id="probeReadDatabase", summary="测试：读库")
async def read_database(read_conn: ReadConn) -> dict[str, str]:
    return {"database": await read_conn.fetchval("SELECT current_database()")}


@post("/probe/write-through-read", opt=PUBLIC, operation_id="probeWriteThroughRead", summary="测试：读连接写入")
async def write_through_read(read_conn: ReadConn) -> None:
    await read_conn.execute("INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES (1, 's', 'k', 'h')")


def _app(settings):
    app = create_app(settings)
    app.register(read_database)
    app.register(write_through_read)
    return app


def _name(dsn: str) -> str:
    return urlsplit(dsn).path.lstrip("/")


@pytest.fixture
async def replica_dsn(embedded, template_dsn, dsn):
    name = _name(dsn) + "_replica"
    yield await clone_template(embedded.database_url, name)
    await drop_databases(embedded.database_url, name)


async def test_reads_go_to_the_replica_and_writes_to_the_primary(settings, replica_dsn, dsn, db):
    async with AsyncTestClient(app=_app(msgspec.structs.replace(settings, database_replica_url=replica_dsn))) as client:
        read = await client.get("/probe/read-database")
        login = await client.post("/api/v1/auth/wechat", json={"code": "dev-primary"})
    assert read.json() == {"database": _name(replica_dsn)}
    assert login.status_code == 200
    assert await db.fetchval("SELECT count(*) FROM users WHERE openid = 'sandbox-primary'") == 1
    replica = await asyncpg.connect(replica_dsn)
    assert await replica.fetchval("SELECT count(*) FROM users WHERE openid = 'sandbox-primary'") == 0
    await replica.close()


async def test_without_a_replica_reads_use_the_primary(settings, dsn):
    async with AsyncTestClient(app=_app(settings)) as client:
        read = await client.get("/probe/read-database")
    assert read.json() == {"database": _name(dsn)}


async def test_the_read_connection_refuses_writes_even_on_the_primary(settings, db):
    async with AsyncTestClient(app=_app(settings)) as client:
        res = await client.post("/probe/write-through-read")
    assert res.status_code == 500
    assert await db.fetchval("SELECT count(*) FROM idempotency_keys WHERE scope = 's'") == 0


async def test_a_replica_that_is_down_neither_stops_start_up_nor_reads(settings, dsn):
    down = "postgresql://postgres@127.0.0.1:1/nowhere"
    async with AsyncTestClient(app=_app(msgspec.structs.replace(settings, database_replica_url=down))) as client:
        ready = await client.get("/readyz")
        read = await client.get("/probe/read-database")
    assert ready.status_code == 200
    assert read.json() == {"database": _name(dsn)}


async def test_the_public_faq_list_is_read_from_the_replica(settings, replica_dsn, db):
    replica = await asyncpg.connect(replica_dsn)
    await replica.execute("INSERT INTO faq_entries (id, question, answer) "
                          "VALUES ('REPLICA-ONLY', '副本里才有的问题', '这条只写在副本库里，用来看读请求去了哪里。')")
    await replica.close()
    async with AsyncTestClient(app=_app(msgspec.structs.replace(settings, database_replica_url=replica_dsn))) as client:
        res = await client.get("/api/v1/faq", params={"q": "副本里才有"})
    assert res.status_code == 200, res.text
    assert [e["id"] for e in res.json()] == ["REPLICA-ONLY"]
    assert await db.fetchval("SELECT count(*) FROM faq_entries WHERE id = 'REPLICA-ONLY'") == 0
