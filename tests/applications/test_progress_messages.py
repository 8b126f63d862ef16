"""Every change of stage reaches the applicant by WeChat AND by SMS (FAQ F107 "环节每次变化，我们还会
通过微信消息和短信通知您"; F127 "受理、补正、审批决定、证件寄出等关键节点，我们都会同时发送短信和微信消息"),
even when the WeChat subscribe message got through."""

from __future__ import annotations

from tests.applications.helpers import submitted_case
from tests.approvals.helpers import people, through_to_exam
from tests.conftest import live_settings, live_sms_settings
from tests.factories import run_jobs

API = "/api/v1"
PHONE = "13700001111"  # the applicant of tests.approvals.helpers.people


async def test_acceptance_review_and_shipping_each_go_out_by_wechat_and_sms(client, db, settings, wechat,
                                                                             fake_aliyun):
    who = await people(client, db)
    h = who["applicant"]["headers"]
    for _ in range(6):  # the applicant allowed every progress message in the mini-program
        res = await client.post(f"{API}/me/subscriptions", json={"templateIds": ["tmpl-progress", "tmpl-result"]},
                                headers=h)
        assert res.status_code == 200, res.text
    app_id = await submitted_case(client, h)
    exam_task = await through_to_exam(client, db, who, app_id)  # 受理, then 审核 (in_review)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "in_review"
    res = await client.post(f"{API}/tasks/{exam_task['id']}/exam-result",
                            json={"takenOn": "2026-01-05", "national": 95, "regional": 93},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200 and res.json()["status"] == "passed", res.text
    delivery_id = await db.fetchval("SELECT id FROM deliveries WHERE application_id = $1", app_id)
    res = await client.post(f"{API}/deliveries/{delivery_id}/shipment", json={"trackingNo": "EA123456789CN"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text

    channels = {}
    for r in await db.fetch("SELECT event, channel FROM notifications WHERE subject_id = $1 "
                            "AND subject_type = 'application'", app_id):
        channels.setdefault(r["event"], set()).add(r["channel"])
    for event in ("application_accepted", "application_in_review", "licence_shipped"):
        assert channels.get(event) == {"inapp", "wechat", "sms"}, (event, channels)

    await run_jobs(live_settings(live_sms_settings(settings, fake_aliyun), wechat))
    sms = {m["template"]: m for m in fake_aliyun.messages(PHONE)}
    assert {"SMS_480010003", "SMS_480010026", "SMS_480010007"} <= sms.keys()
    assert "EA123456789CN" in str(sms["SMS_480010007"])
    stages = [m["data"]["phrase3"]["value"] for m in wechat.subscribe_sent if m["template_id"] == "tmpl-progress"]
    assert {"已受理", "审核中", "已寄出"} <= set(stages)
    due_on = await db.fetchval("SELECT due_on FROM applications WHERE id = $1", app_id)
    review = await db.fetchval("SELECT content FROM notifications WHERE subject_id = $1 "
                               "AND event = 'application_in_review' AND channel = 'inapp'", app_id)
    assert "已进入审核环节" in review and due_on.isoformat() in review
