"""WeChat subscribe messages through wechatpy to the fake WeChat, the SMS fallback, and the inbox."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import live_settings, live_sms_settings
from tests.factories import applicant, run_jobs
from tests.notify.helpers import accepted


def _live(settings, wechat, fake_aliyun):
    return live_settings(live_sms_settings(settings, fake_aliyun), wechat)


async def _subscriber(client, db, name: str, templates: list[str]) -> dict:
    me = await applicant(client, name)
    await db.execute("UPDATE users SET phone = $2 WHERE id = $1", me["user"]["id"], "13855550000")
    if templates:
        res = await client.post("/api/v1/me/subscriptions", json={"templateIds": templates}, headers=me["headers"])
        assert res.status_code == 200, res.text
    return me


async def test_an_authorised_user_gets_a_subscribe_message_and_the_authorisation_is_used_up(
        client, db, settings, wechat, fake_aliyun):
    me = await _subscriber(client, db, "sub1", ["tmpl-progress"])
    await accepted(db, me["user"]["id"], "accepted:sub1")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    [sent] = wechat.subscribe_sent
    assert sent["touser"] == "sandbox-sub1" and sent["template_id"] == "tmpl-progress"
    assert sent["page"] == "pages/applications/detail?no=WZ-20261122-000001"  # the case, from wechat/pages.py
    assert sent["data"]["thing1"]["value"] == "道路普通货物运输经营许可"
    assert sent["data"]["phrase3"]["value"] == "已提交"
    assert fake_aliyun.messages() == []  # WeChat reached them: no SMS for a progress message
    row = await db.fetchrow("SELECT status, provider_ref FROM notifications WHERE dedupe_key = 'accepted:sub1' "
                            "AND channel = 'wechat'")
    assert row["status"] == "sent" and row["provider_ref"]
    assert await db.fetchval("SELECT remaining FROM wechat_subscriptions WHERE user_id = $1",
                             me["user"]["id"]) == 0
    # the one authorisation is spent: the next message goes by SMS
    await accepted(db, me["user"]["id"], "accepted:sub1:again")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    assert len(wechat.subscribe_sent) == 1
    assert [m["phone"] for m in fake_aliyun.messages()] == ["13855550000"]


async def test_43101_from_wechat_falls_back_to_sms(client, db, settings, wechat, fake_aliyun):
    me = await _subscriber(client, db, "sub2", ["tmpl-progress"])
    wechat.subscribe_errcode = 43101
    await accepted(db, me["user"]["id"], "accepted:sub2")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    assert wechat.subscribe_sent == []
    [sms] = fake_aliyun.messages("13855550000")
    assert sms["template"] == "SMS_480010002"
    wx = await db.fetchrow("SELECT status FROM notifications WHERE dedupe_key = 'accepted:sub2' AND channel = 'wechat'")
    assert wx["status"] == "failed"


async def test_long_values_are_cut_to_wechats_limits(client, db, settings, wechat, fake_aliyun):
    me = await _subscriber(client, db, "sub3", ["tmpl-progress"])
    long_name = "开办运输企业一件事（营业执照信息核查、道路运输经营许可证核发、道路运输证配发）"
    await accepted(db, me["user"]["id"], "accepted:sub3", service_name=long_name)
    await run_jobs(_live(settings, wechat, fake_aliyun))
    [sent] = wechat.subscribe_sent  # the fake answers 47003 to anything over the limits
    assert len(sent["data"]["thing1"]["value"]) <= 20
    assert sent["data"]["thing1"]["value"].startswith("开办运输企业一件事")


async def test_without_an_authorisation_only_sms_is_used(client, db, settings, wechat, fake_aliyun):
    me = await _subscriber(client, db, "sub4", [])
    await accepted(db, me["user"]["id"], "accepted:sub4")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    assert wechat.subscribe_sent == []
    assert len(fake_aliyun.messages("13855550000")) == 1
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE dedupe_key = 'accepted:sub4' "
                             "AND channel = 'wechat'") == 0


async def test_quiet_hours_hold_a_non_urgent_sms_until_eight(client, db, settings, fake_aliyun):
    me = await _subscriber(client, db, "night", [])
    await accepted(db, me["user"]["id"], "accepted:night")
    late = datetime(2026, 11, 22, 15, 30, tzinfo=timezone.utc)  # 23:30 in Shanghai
    await run_jobs(live_sms_settings(settings, fake_aliyun), quiet_hours=(22, 8), clock=lambda: late)
    assert fake_aliyun.messages() == []
    row = await db.fetchrow("SELECT status, not_before FROM notifications WHERE dedupe_key = 'accepted:night' "
                            "AND channel = 'sms'")
    assert row["status"] == "created"
    assert row["not_before"] == datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)  # 08:00 Shanghai


async def test_the_inbox_lists_a_users_own_messages_and_keeps_read_marks(client, db):
    me = await _subscriber(client, db, "reader", [])
    other = await applicant(client, "not-reader")
    await accepted(db, me["user"]["id"], "accepted:reader")
    inbox = (await client.get("/api/v1/me/notifications", headers=me["headers"])).json()
    assert inbox["unread"] == 1
    [item] = inbox["items"]
    assert item["title"] == "申请已提交" and "WZ-20261122-000001" in item["text"] and not item["read"]
    assert (await client.get("/api/v1/me/notifications", headers=other["headers"])).json()["items"] == []
    theirs = await client.post(f"/api/v1/me/notifications/{item['id']}/read", headers=other["headers"])
    assert theirs.status_code == 404
    read = await client.post(f"/api/v1/me/notifications/{item['id']}/read", headers=me["headers"])
    assert read.status_code == 200 and read.json()["unread"] == 0
    assert (await client.get("/api/v1/me/notifications", headers=me["headers"])).json()["items"][0]["read"]


async def _run_job(settings, name: str) -> None:
    from arq import create_pool

    from jobs import redis_settings

    arq = await create_pool(redis_settings(settings.redis_url or ""))
    await arq.enqueue_job(name)
    await arq.aclose()


async def test_delivery_receipts_are_final_and_silent_messages_expire_after_72_hours(
        client, db, settings, fake_aliyun):
    live = live_sms_settings(settings, fake_aliyun)
    me = await _subscriber(client, db, "receipts", [])
    [first] = await accepted(db, me["user"]["id"], "accepted:r1")
    await run_jobs(live)
    assert await db.fetchval("SELECT status FROM notifications WHERE id = $1", first) == "sending"

    fake_aliyun.receipt_status = 3  # delivered
    await _run_job(live, "poll_sms_receipts")
    await run_jobs(live)
    assert await db.fetchval("SELECT status FROM notifications WHERE id = $1", first) == "delivered"

    fake_aliyun.receipt_status = 2  # a late, contradicting receipt cannot undo delivered
    await _run_job(live, "poll_sms_receipts")
    await run_jobs(live)
    assert await db.fetchval("SELECT status FROM notifications WHERE id = $1", first) == "delivered"

    [second] = await accepted(db, me["user"]["id"], "accepted:r2")
    await run_jobs(live)
    await db.execute("UPDATE notifications SET sent_at = now() - interval '73 hours', "
                     "updated_at = now() - interval '73 hours' WHERE id = $1", second)
    fake_aliyun.receipt_status = 1  # still waiting after three days
    await _run_job(live, "poll_sms_receipts")
    await run_jobs(live)
    assert await db.fetchval("SELECT status FROM notifications WHERE id = $1", second) == "temporary_failure"
