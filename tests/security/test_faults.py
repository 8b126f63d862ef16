"""Faults: Redis going away must not take the API's reads and bookings with it; the messages wait
in the outbox and go out when it is back. /readyz says what is down."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.appointments.helpers import admin, book, generate, slot_at
from tests.factories import applicant, run_jobs
from tests.security.proxy import Proxy
from tests.clock import use_clock

API = "/api/v1"


async def test_with_redis_down_reads_and_bookings_work_and_messages_go_out_when_it_returns(settings, db):
    proxy = await Proxy(settings.redis_url or "").start()
    through = msgspec.structs.replace(settings, redis_url=f"redis://127.0.0.1:{proxy.port}/0")
    try:
        await _redis_outage(through, settings, db, proxy)
    finally:
        await proxy.close()
    await run_jobs(settings)  # the sweeper finds what was never queued and sends it
    sms = await db.fetchrow("SELECT status, sent_at FROM notifications WHERE event = 'appointment_confirmed' "
                            "AND channel = 'sms'")
    assert sms["status"] == "delivered" and sms["sent_at"] is not None  # the sandbox delivers what it accepts


async def _redis_outage(through: Any, settings: Any, db: Any, proxy: Proxy) -> None:
    async with AsyncTestClient(app=create_app(through), timeout=30) as client:
        use_clock(client, "2026-06-05 10:00")
        boss = await admin(client, db)
        me = await applicant(client, "redisless")
        await db.execute("UPDATE users SET phone = '13800009999' WHERE id = $1", me["user"]["id"])
        await generate(client, boss["headers"], site="city-service-centre", service="freight-operating-permit",
                       day_from="2026-06-08", capacity=5)
        slot = await slot_at(client, boss["headers"], "freight-operating-permit", "2026-06-08 09:00")

        proxy.down()
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and {k: ready.json()[k] for k in ("ready", "postgres", "redis")} == {
            "ready": False, "postgres": True, "redis": False}
        assert (await client.get(f"{API}/services")).status_code == 200
        assert (await client.get(f"{API}/me", headers=me["headers"])).status_code == 200
        booked = await book(client, me, slot["id"])
        assert booked.status_code == 201, booked.text
        waiting = await db.fetch("SELECT channel, status FROM notifications WHERE user_id = $1 "
                                 "AND event = 'appointment_confirmed' AND sent_at IS NULL", me["user"]["id"])
        assert [tuple(r) for r in waiting] == [("sms", "created")]  # the confirmation waits in the outbox

        proxy.up()
        assert (await client.get("/readyz")).status_code == 200


def _through_proxy(dsn: str) -> tuple[str, str]:
    """The unix socket a pgserver DSN points at, and the same DSN over TCP to the proxy (port later)."""
    parts = urlsplit(dsn)
    socket_dir = parse_qs(parts.query).get("host", [""])[0]
    upstream = f"unix://{socket_dir}/.s.PGSQL.{parts.port or 5432}" if socket_dir else f"tcp://{parts.netloc}"
    return upstream, f"postgresql://{parts.username or 'postgres'}@127.0.0.1:{{port}}{parts.path}"


async def test_postgres_going_away_mid_burst_gives_fast_503s_and_the_app_recovers_by_itself(settings, db):
    upstream, template = _through_proxy(settings.database_url or "")
    proxy = await Proxy(upstream).start()
    through = msgspec.structs.replace(settings, database_url=template.format(port=proxy.port))
    try:
        async with AsyncTestClient(app=create_app(through), timeout=30) as client:
            me = await applicant(client, "pgburst")
            assert (await client.get(f"{API}/applications", headers=me["headers"])).status_code == 200

            proxy.down()  # every pooled connection is cut, new ones are refused: a restart, as the app sees it
            started = time.monotonic()
            burst = await asyncio.gather(*(client.get(f"{API}/applications", headers=me["headers"])
                                           for _ in range(20)))
            elapsed = time.monotonic() - started
            assert {r.status_code for r in burst} == {503}, {r.status_code for r in burst}
            assert {r.json()["code"] for r in burst} == {"database_unavailable"}
            assert all(r.headers.get("retry-after") for r in burst)
            assert elapsed < 15, elapsed  # failing fast, not hanging on the 30 s command timeout

            proxy.up()
            for _ in range(50):  # the pool reconnects on its own; no restart of the app
                res = await client.get(f"{API}/applications", headers=me["headers"])
                if res.status_code == 200:
                    break
                await asyncio.sleep(0.1)
            assert res.status_code == 200, res.text
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await proxy.close()


async def test_a_wechat_and_aliyun_outage_delays_messages_and_loses_none(client, db, settings, wechat, fake_aliyun):
    import redis as redis_sync

    import notify
    from tests.conftest import live_settings, live_sms_settings

    live = live_settings(live_sms_settings(settings, fake_aliyun), wechat)
    me = await applicant(client, "outage")
    uid = me["user"]["id"]
    await db.execute("UPDATE users SET phone = '13866667777' WHERE id = $1", uid)
    await client.post(f"{API}/me/subscriptions", json={"templateIds": ["tmpl-material-gap"]}, headers=me["headers"])
    async with db.transaction():
        ids = await notify.enqueue(db, user_id=uid, event="material_gap",
                                   params={"serviceName": "道路普通货物运输经营许可", "publicNo": "WZ-1", "reason": "照片"},
                                   dedupe_key="gap:outage", subject=("application", 1))
    assert len(ids) == 2  # WeChat and, for a gap notice, SMS too

    wechat.fail_status = 503
    fake_aliyun.fail_status = 503
    await run_jobs(live)
    assert wechat.subscribe_sent == [] and fake_aliyun.messages() == []
    rows = await db.fetch("SELECT status, attempts FROM notifications WHERE id = ANY($1::bigint[])", ids)
    assert all(r["status"] == "created" and r["attempts"] >= 1 for r in rows)  # waiting, not failed

    # WeChat and Aliyun come back. The retries were deferred for minutes: make them due now, and
    # drop the deferred jobs as if the queue had lost them, so the outbox sweeper must find them.
    wechat.fail_status = None
    fake_aliyun.fail_status = None
    await db.execute("UPDATE notifications SET not_before = now() WHERE id = ANY($1::bigint[])", ids)
    redis_sync.Redis.from_url(settings.redis_url).flushdb()
    await run_jobs(live)
    await run_jobs(live)
    assert len(wechat.subscribe_sent) == 1
    assert len(fake_aliyun.messages("13866667777")) == 1  # the uncertain SMS was looked up, not resent
    assert fake_aliyun.duplicates() == {}
