"""Real PostgreSQL and Redis for every test; fakes only for WeChat and Aliyun.

Migrations and the shipped seed data go once into a template database; each test gets its own
clone (CREATE DATABASE ... TEMPLATE), an empty Redis database, and an app on top of both: the same
app object for every test of a worker whose settings are the same, handed back as built (see
``_app_for``), since building one costs half a second of CPU and most tests build nothing else.
Set ZSB_DATABASE_URL / ZSB_REDIS_URL to test against other servers; otherwise embedded ones
start under a temporary directory.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec
import pytest
import redis as redis_sync
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api import devservices
from api.app import configure_process, create_app
from api.documents import keys as document_keys
from api.migrate import migrate
from api.seed import seed
from api.settings import Settings
from tests.fakes.aliyun import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyun
from tests.fakes.wechat import FakeWeChat

# The SDKs would send loopback traffic through a proxy (SDK-NOTES): never in tests.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

# A notification missing a param its templates show fails the test that sent it (notify/outbox.py).
import notify.outbox  # noqa: E402

notify.outbox.STRICT_PARAMS = True

# Argon2 at its minimum work: the suite logs staff in a thousand times, and what the hash costs is
# not what it tests (tests/auth/test_password_threads.py checks the pool, test_login the format).
from argon2 import PasswordHasher  # noqa: E402

from api.auth import passwords  # noqa: E402

passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

# Every test builds an app (some two million objects): at the default gen-0 threshold (700) the
# collector ran 338 gen-1 collections over 23 tests of tests/applications; at 50,000 it ran 13, with
# 5-10 % less CPU and a few dozen MB more per process.
gc.set_threshold(50_000, 20, 10)

# one template per pytest-xdist worker (each worker also starts its own embedded servers), and one
# name for the database each test of that worker gets afresh: the same name keeps the settings the
# same from test to test, so the app built for them can be reused (_app_for).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE = f"zsb_template_{WORKER}"
TEST_DB = f"zsb_test_{WORKER}_{os.getpid()}"
JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-signing"


def with_db(dsn: str, name: str) -> str:
    """``dsn`` pointed at the database ``name`` (the same server, user and options)."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def embedded() -> Iterator[devservices.Embedded]:
    # Not under pytest's own temporary directory: every pytest session started on the machine makes
    # /tmp/pytest-of-<user> private again (chmod 700), which locks the embedded PostgreSQL (its own
    # user when we are root) out of its data directory mid-run in any other session still running.
    base = Path(tempfile.mkdtemp(prefix=f"zsb-services-{WORKER}-"))
    services = devservices.start(base, database_url=os.environ.get("ZSB_DATABASE_URL"),
                                 redis_url=os.environ.get("ZSB_REDIS_URL"))
    yield services
    services.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
async def template_dsn(embedded: devservices.Embedded) -> str:
    admin = await asyncpg.connect(embedded.database_url)
    if embedded._pg is not None:
        # Our own throw-away server: durability buys nothing here and costs a disk flush on every
        # commit and every cloned database.
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            await admin.execute(f"ALTER SYSTEM SET {setting} = off")
        await admin.execute("SELECT pg_reload_conf()")
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    dsn = with_db(embedded.database_url, TEMPLATE)
    await migrate(dsn)
    conn = await connect_as_app(dsn)
    try:
        async with conn.transaction():
            await seed(conn, Settings(env="test", database_url=dsn, jwt_secret=JWT_SECRET))
    finally:
        await conn.close()
    return dsn


async def drop_databases(server_url: str, *names: str) -> None:
    """Drop these databases of the server, whatever is still connected to them."""
    admin = await asyncpg.connect(server_url)
    try:
        for name in names:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


async def clone_template(server_url: str, name: str) -> str:
    """A fresh database ``name`` cloned from this worker's template (one an interrupted run left is
    dropped first); returns its URL."""
    await drop_databases(server_url, name)
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    finally:
        await admin.close()
    return with_db(server_url, name)


async def connect_as_app(dsn: str) -> asyncpg.Connection:
    """A direct connection set up as the app's pool sets up its own (codecs)."""
    from api.db import init_connection

    conn = await asyncpg.connect(dsn)
    await init_connection(conn)
    return conn


@pytest.fixture
async def dsn(embedded: devservices.Embedded, template_dsn: str) -> AsyncIterator[str]:
    """A fresh clone of the template for this test (dropped after it, whatever it left connected)."""
    yield await clone_template(embedded.database_url, TEST_DB)
    await drop_databases(embedded.database_url, TEST_DB)


@pytest.fixture
def redis_url(embedded: devservices.Embedded) -> str:
    url = embedded.redis_url
    client = redis_sync.Redis.from_url(url)
    client.flushall()
    client.close()
    return url


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWeChat]:
    server = FakeWeChat()
    yield server
    server.close()


@pytest.fixture
def wechat(fake_wechat: FakeWeChat) -> FakeWeChat:
    fake_wechat.reset()
    return fake_wechat


@pytest.fixture(scope="session")
def fake_aliyun_server() -> Iterator[FakeAliyun]:
    server = FakeAliyun()
    yield server
    server.close()


@pytest.fixture
def fake_aliyun(fake_aliyun_server: FakeAliyun) -> FakeAliyun:
    """The fake Aliyun SMS API, emptied for each test."""
    fake_aliyun_server.reset()
    return fake_aliyun_server


def live_sms_settings(settings: Settings, fake: FakeAliyun, **more: Any) -> Settings:
    """The same settings with the real Aliyun SDK pointed at the fake (signatures checked)."""
    values = dict(sms_provider="aliyun", aliyun_access_key_id=ACCESS_KEY_ID,
                  aliyun_access_key_secret=ACCESS_KEY_SECRET, aliyun_sms_endpoint=fake.host,
                  aliyun_sms_protocol="http")
    values.update(more)
    return msgspec.structs.replace(settings, **values)


def _empty(folder: Path) -> None:
    for entry in folder.glob("*"):
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


@pytest.fixture(scope="session")
def app_files() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=f"zsb-files-{WORKER}-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def settings(dsn: str, redis_url: str, app_files: Path) -> Iterator[Settings]:
    # The app's files go to one place per worker (the same settings every test: _app_for), emptied
    # after each test, the development signing pair with them: the next test makes a new one, as it
    # did in a folder of its own, and the key this process kept loaded is forgotten.
    var, storage = app_files / "var", app_files / "storage"
    for folder in (var, storage):
        folder.mkdir(parents=True, exist_ok=True)
    yield Settings(env="test", database_url=dsn, redis_url=redis_url, jwt_secret=JWT_SECRET,
                   var_dir=str(var), storage_dir=str(storage), log_json=True, db_pool_min=1, db_pool_max=10)
    _empty(var)
    _empty(storage)
    document_keys.forget_loaded()


def live_settings(settings: Settings, wechat: FakeWeChat, **more: Any) -> Settings:
    """The same settings with the real WeChat SDK pointed at the fake."""
    return msgspec.structs.replace(settings, wechat_mode="live", wechat_appid="wx-test-app",
                                   wechat_secret="wx-test-secret", wechat_api_base=wechat.url,
                                   wechat_timeout_seconds=1.0, **more)


# settings (as JSON) -> the app built for them and its state as built
_apps: dict[bytes, tuple[Litestar, dict[str, Any]]] = {}


def _app_for(settings: Settings) -> Litestar:
    """The app for ``settings``, built once per process and handed out again as it was built.

    Nothing a test does outlives it in the app: its database and Redis are new, the lifespan opens
    and closes the pools and clients each time, and what the test put on ``app.state`` (a clock, the
    FAQ index, a swapped pool) is taken off, the state put back as create_app left it. What the
    settings set process-wide (logging, the ID-number keys, the licence authority) is set again, since
    the test before may have built an app of other settings."""
    key = msgspec.json.encode(settings)
    if key not in _apps:
        app = create_app(settings)
        _apps[key] = (app, dict(app.state))
        return app
    app, built = _apps[key]
    configure_process(settings)
    for name in list(app.state):
        del app.state[name]
    app.state.update(built)
    return app


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    try:
        async with AsyncTestClient(app=_app_for(settings), timeout=30) as test_client:
            yield test_client
    except BaseException:
        # The lifespan failed to start or to stop: the next test gets an app of its own, so whatever
        # this one left half-done cannot fail it too.
        _apps.pop(msgspec.json.encode(settings), None)
        raise


@pytest.fixture
async def db(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to this test's database, for checking what the API wrote."""
    conn = await connect_as_app(dsn)
    yield conn
    await conn.close()
