"""Expiry reminders (issue 22, F061/F134): the daily job reminds a licence's holder 90 days before expiry
and again at 30 days if not renewed, by SMS and WeChat through the normal routing, once each, never
for a superseded licence, linking to the renewal service."""

from __future__ import annotations

from datetime import timedelta

from api.clock import today
from api.db import create_pool
from jobs.licences import remind_expiring_licences
from notify import queue as notify_queue
from tests.applications.helpers import licence
from tests.clock import Clock, sh
from tests.conftest import live_settings, live_sms_settings
from tests.factories import applicant, run_jobs

API = "/api/v1"
PHONE = "13855550018"


async def _holder(client, name: str) -> dict:
    me = await applicant(client, name)
    res = await client.post(f"{API}/me/phone", json={"code": f"dev-{PHONE}"}, headers=me["headers"])
    assert res.status_code == 200, res.text
    for _ in range(2):  # one WeChat authorisation per message
        res = await client.post(f"{API}/me/subscriptions", json={"templateIds": ["tmpl-progress"]},
                                headers=me["headers"])
        assert res.status_code == 200, res.text
    return me


async def _run(settings, day) -> dict:
    """The daily job on ``day`` (the tests' clock); the rows it writes wait in the outbox for the
    sweeper (the API's arq pool lives on the test client's loop, not this one)."""
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    previous = notify_queue._pool
    notify_queue.use_pool(None)
    try:
        return await remind_expiring_licences({"pool": pool, "clock": Clock(sh(f"{day.isoformat()} 09:30"))})
    finally:
        notify_queue.use_pool(previous)
        await pool.close()


async def _sent(db, user_id: int) -> list:
    return await db.fetch("SELECT channel, params, dedupe_key FROM notifications "
                          "WHERE user_id = $1 AND event = 'licence_expiring' ORDER BY id", user_id)


async def test_reminders_go_out_at_90_and_30_days_once_each(client, db, settings, wechat, fake_aliyun):
    me = await _holder(client, "lc-20")
    uid = me["user"]["id"]
    expiry = today() + timedelta(days=200)
    lic = await licence(db, uid, "ship_operating_certificate", "浙温港航营字0009号", valid_until=expiry, name="船舶营运证")

    assert await _run(settings, expiry - timedelta(days=91)) == {"days90": 0, "days30": 0}
    assert await _run(settings, expiry - timedelta(days=90)) == {"days90": 1, "days30": 0}
    assert await _run(settings, expiry - timedelta(days=90)) == {"days90": 0, "days30": 0}  # the same day again
    rows = await _sent(db, uid)
    assert {r["channel"] for r in rows} == {"inapp", "wechat", "sms"}  # F061: 短信和微信
    params = rows[0]["params"]
    assert params["licenceId"] == lic and params["daysLeft"] == 90 and params["validUntil"] == expiry.isoformat()
    assert params["renewalService"] == "ship-operating-cert"  # 船舶营运证换证 links the renewal
    # delivered through the real channels: the fake WeChat and the fake Aliyun SMS
    await run_jobs(live_settings(live_sms_settings(settings, fake_aliyun), wechat))
    [sent] = [m for m in wechat.subscribe_sent if m["touser"] == "sandbox-lc-20"]
    assert sent["page"].startswith("pages/licences/index") and sent["data"]["thing1"]["value"] == "船舶营运证"
    [sms] = fake_aliyun.messages(PHONE)
    assert sms["template"] == "SMS_480010051"

    for days in (60, 31):
        assert await _run(settings, expiry - timedelta(days=days)) == {"days90": 0, "days30": 0}
    assert await _run(settings, expiry - timedelta(days=30)) == {"days90": 0, "days30": 1}
    for days in (30, 29, 1, 0):
        assert await _run(settings, expiry - timedelta(days=days)) == {"days90": 0, "days30": 0}
    keys = sorted({r["dedupe_key"] for r in await _sent(db, uid)})
    assert keys == [f"licence_expiring:{lic}:30", f"licence_expiring:{lic}:90"]
    assert await db.fetchval("SELECT count(*) FROM licence_reminders WHERE licence_id = $1", lic) == 2


async def test_no_reminder_for_a_superseded_licence_nor_one_being_renewed(client, db, settings):
    me = await applicant(client, "lc-30")
    uid = me["user"]["id"]
    expiry = today() + timedelta(days=60)
    old = await licence(db, uid, "taxi_driver_qualification", "QC-S-1", valid_until=expiry)
    pending = await licence(db, uid, "taxi_driver_qualification", "QC-S-2", valid_until=expiry)
    short_lived = await licence(db, uid, "oversize_permit", "CX-1", valid_until=expiry)  # nobody renews these
    form = {"mobile": "13800138000", "deliveryAddress": "温州市鹿城区人民路100号"}
    created = await client.post(f"{API}/applications", headers=me["headers"],
                                json={"serviceCode": "taxi-driver-cert-renewal", "licenceId": old, "form": form})
    done = await client.post(f"{API}/applications/{created.json()['id']}/submit", headers=me["headers"])
    assert done.json()["status"] == "approved"  # QC-S-1 superseded by the renewed licence
    renewed = done.json()["licences"][0]["id"]
    # a renewal filed and waiting for the applicant's supplement (a mere draft would not count)
    draft = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert-renewal", "licenceId": pending, "form": {"mobile": "13800138000"}})
    filed = await client.post(f"{API}/applications/{draft.json()['id']}/submit", headers=me["headers"])
    assert filed.json()["status"] == "needs_supplement", filed.text  # no delivery address yet

    assert await _run(settings, expiry - timedelta(days=30)) == {"days90": 0, "days30": 0}
    assert await _sent(db, uid) == []
    # the renewed licence is reminded in its own time, 90 days before its own end
    new_end = await db.fetchval("SELECT valid_until FROM licences WHERE id = $1", renewed)
    assert await _run(settings, new_end - timedelta(days=90)) == {"days90": 1, "days30": 0}
    assert {r["params"]["licenceId"] for r in await _sent(db, uid)} == {renewed}
    assert short_lived not in {r["params"]["licenceId"] for r in await _sent(db, uid)}
