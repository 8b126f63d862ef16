from __future__ import annotations

import msgspec

import notify
from tests.conftest import live_sms_settings
from tests.factories import applicant, run_jobs

ACCEPTED = {"serviceName": "道路普通货物运输经营许可", "publicNo": "ZSB2026000001"}
SLOT = {"serviceName": "道路货物运输驾驶员从业资格", "slotTime": "2026-03-05T09:30:00+08:00", "siteName": "市民中心"}


async def _user(db, *, phone: str | None = "13800001111", openid: str | None = None) -> int:
    return await db.fetchval("INSERT INTO users (phone, openid) VALUES ($1, $2) RETURNING id", phone, openid)


async def test_an_enqueued_sms_is_sent_once_through_the_real_sdk_to_the_fake(settings, db, fake_aliyun):
    user_id = await _user(db)
    async with db.transaction():
        ids = await notify.enqueue(db, user_id=user_id, event="application_accepted",
                                   params={"serviceName": "道路普通货物运输经营许可", "publicNo": "ZSB2026000001"},
                                   dedupe_key="accepted:1", subject=("application", 1))
        again = await notify.enqueue(db, user_id=user_id, event="application_accepted", params=ACCEPTED,
                                     dedupe_key="accepted:1", subject=("application", 1))
    assert len(ids) == 1 and again == []
    await run_jobs(live_sms_settings(settings, fake_aliyun))
    [message] = fake_aliyun.messages("13800001111")
    assert message["out_id"] == str(ids[0])
    assert message["template"] == "SMS_480010003"
    assert message["params"] == {"serviceName": "道路普通货物运输经营许可", "publicNo": "ZSB2026000001"}
    row = await db.fetchrow("SELECT status, provider_ref, attempts FROM notifications WHERE id = $1", ids[0])
    assert row["status"] == "sending" and row["provider_ref"] == message["biz_id"] and row["attempts"] == 1
    inbox = await db.fetchval("SELECT content FROM notifications WHERE dedupe_key = 'accepted:1' AND channel = 'inapp'")
    assert inbox == "您申请的道路普通货物运输经营许可已受理，办件编号ZSB2026000001。"
    # a second drain sends nothing more
    await run_jobs(live_sms_settings(settings, fake_aliyun))
    assert len(fake_aliyun.messages()) == 1


async def test_a_wrong_access_key_secret_is_refused_by_the_fake_and_pauses_the_channel(settings, db, fake_aliyun):
    user_id = await _user(db)
    async with db.transaction():
        [sms_id] = await notify.enqueue(db, user_id=user_id, event="application_accepted", params=ACCEPTED,
                                        dedupe_key="accepted:2")
    wrong = live_sms_settings(settings, fake_aliyun, aliyun_access_key_secret="not-the-secret")
    await run_jobs(wrong)
    assert fake_aliyun.rejected_signatures == 1 and fake_aliyun.messages() == []
    row = await db.fetchrow("SELECT status, error FROM notifications WHERE id = $1", sms_id)
    assert row["status"] == "created"
    assert row["error"].startswith(("sms channel paused: SignatureDoesNotMatch",
                                    "sms channel paused: InvalidAccessKeySecret"))


async def test_sandbox_sms_records_and_sends_nothing_out(settings, db, fake_aliyun):
    user_id = await _user(db)
    async with db.transaction():
        [sms_id] = await notify.enqueue(db, user_id=user_id, event="approval_result",
                                        params={"serviceName": "超限运输车辆行驶公路许可", "publicNo": "P1", "result": "准予许可",
                                                "reason": "详情请在“我的办件”中查看。"},
                                        dedupe_key="result:1")
    await run_jobs(settings)
    row = await db.fetchrow("SELECT status, content FROM notifications WHERE id = $1", sms_id)
    assert row["status"] == "delivered"
    assert "准予许可" in row["content"]
    assert fake_aliyun.messages() == []


async def test_a_cancelled_message_is_not_sent(settings, db, fake_aliyun):
    user_id = await _user(db)
    async with db.transaction():
        [sms_id] = await notify.enqueue(db, user_id=user_id, event="appointment_reminder",
                                        params={**SLOT, "serviceName": "危险货物道路运输许可"}, dedupe_key="remind:7",
                                        subject=("appointment", 7))
        other = await notify.enqueue(db, user_id=user_id, event="appointment_confirmed", params=SLOT,
                                     dedupe_key="confirm:8", subject=("appointment", 8))
    async with db.transaction():
        assert await notify.cancel_pending(db, subject=("appointment", 7)) == 1
    await run_jobs(live_sms_settings(settings, fake_aliyun))
    assert [m["out_id"] for m in fake_aliyun.messages()] == [str(other[0])]
    assert await db.fetchval("SELECT status FROM notifications WHERE id = $1", sms_id) == "cancelled"


async def test_applicant_login_then_message_via_api_client(client, settings, db):
    body = await applicant(client, "notify-sandbox")
    await db.execute("UPDATE users SET phone = '13900008888' WHERE id = $1", body["user"]["id"])
    async with db.transaction():
        ids = await notify.enqueue(db, user_id=body["user"]["id"], event="exam_slot",
                                   params={"serviceName": "巡游出租汽车驾驶员从业资格证", "slotTime": "2026-03-05T09:30:00+08:00",
                                           "siteName": "市交通技校考试中心"}, dedupe_key="exam:1")
    assert len(ids) == 1  # no WeChat authorisation yet: SMS only
    await run_jobs(settings)
    content = await db.fetchval("SELECT content FROM notifications WHERE id = $1", ids[0])
    assert "2026年3月5日 09:30" in content
    assert msgspec.json.decode(msgspec.json.encode({"ok": True}))["ok"]


async def test_a_batch_records_every_outcome_of_its_sends_together(settings, db, fake_aliyun):
    """Due rows go out in batch jobs that record their outcomes in one statement: accepted ones are
    'sending' with Aliyun's BizId, the refused one failed for good, and nothing is left claimed."""
    users = [await _user(db, phone=f"1380000{i:04d}") for i in range(4)]
    async with db.transaction():
        ids = [(await notify.enqueue(db, user_id=user_id, event="application_accepted",
                                      params={"serviceName": "道路运输证", "publicNo": f"ZSB{user_id}"},
                                      dedupe_key=f"batch:{user_id}"))[0]
               for user_id in users]
    fake_aliyun.answers.append("isv.MOBILE_NUMBER_ILLEGAL")  # Aliyun refuses whichever comes first
    await run_jobs(live_sms_settings(settings, fake_aliyun))
    rows = await db.fetch("SELECT id, status, provider_ref, provider_status, error, sent_at, done_at "
                          "FROM notifications WHERE id = ANY($1::bigint[])", ids)
    sent = {int(m["out_id"]): m["biz_id"] for m in fake_aliyun.messages()}
    assert len(sent) == 3
    for row in rows:
        if row["id"] in sent:
            assert row["status"] == "sending" and row["provider_ref"] == sent[row["id"]]
            assert row["sent_at"] is not None and row["done_at"] is None and row["error"] is None
        else:
            assert row["status"] == "failed" and row["provider_status"] == "isv.MOBILE_NUMBER_ILLEGAL"
            assert row["error"].startswith("isv.MOBILE_NUMBER_ILLEGAL") and row["done_at"] is not None
