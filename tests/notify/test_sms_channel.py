"""The SMS channel's pause: an account error (余额不足) pauses it for every worker; an admin sees
why and lifts it by hand once the account is topped up, and what it held back goes out at once."""

from __future__ import annotations

import notify
from tests.conftest import live_sms_settings
from tests.factories import applicant, run_jobs, staff


async def test_an_admin_sees_the_pause_and_lifts_it_and_the_held_messages_go_out(client, db, settings, fake_aliyun):
    admin = await staff(client, db, phone="13900002201", roles=["admin"])
    me = await applicant(client, "paused")
    await db.execute("UPDATE users SET phone = '13855552222' WHERE id = $1", me["user"]["id"])
    live = live_sms_settings(settings, fake_aliyun)
    quiet = await client.get("/api/v1/admin/notify/sms-channel", headers=admin["headers"])
    assert quiet.status_code == 200 and quiet.json() == {"paused": False, "code": None, "resumesAt": None, "waiting": 0,
                                                        "released": None}

    fake_aliyun.answers = ["isv.AMOUNT_NOT_ENOUGH"]
    async with db.transaction():
        await notify.enqueue(db, user_id=me["user"]["id"], event="application_accepted", dedupe_key="accepted:p1",
                             params={"serviceName": "道路普通货物运输经营许可", "publicNo": "WZ-1"})
    await run_jobs(live)
    async with db.transaction():
        await notify.enqueue(db, user_id=me["user"]["id"], event="approval_result", dedupe_key="result:p1",
                             params={"serviceName": "道路普通货物运输经营许可", "publicNo": "WZ-1", "result": "准予许可",
                                     "reason": "详情请在“我的办件”中查看。"})
    await run_jobs(live)
    assert fake_aliyun.messages() == []  # the answer paused the channel; nobody called Aliyun after it
    state = (await client.get("/api/v1/admin/notify/sms-channel", headers=admin["headers"])).json()
    assert state["paused"] is True and state["code"] == "isv.AMOUNT_NOT_ENOUGH"
    assert state["resumesAt"] and state["waiting"] == 2

    applicant_try = await client.post("/api/v1/admin/notify/sms-channel/resume", headers=me["headers"])
    assert applicant_try.status_code == 403
    resumed = await client.post("/api/v1/admin/notify/sms-channel/resume", headers=admin["headers"])
    assert resumed.status_code == 200, resumed.text
    assert (resumed.json()["paused"], resumed.json()["waiting"], resumed.json()["released"]) == (False, 0, 2)
    await run_jobs(live)
    assert sorted(m["template"] for m in fake_aliyun.messages("13855552222")) == ["SMS_480010003", "SMS_480010006"]
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE channel = 'sms' AND status = 'sending'") == 2
    again = await client.post("/api/v1/admin/notify/sms-channel/resume", headers=admin["headers"])
    assert (again.json()["paused"], again.json()["waiting"], again.json()["released"]) == (False, 0, 0)
