"""Template values made valid for their WeChat type before sending, and WeChat's field errors
(47003) falling back to SMS: live mode, wechatpy and the Aliyun SDK against the fakes, which
refuse control characters and over-long values as WeChat does."""

from __future__ import annotations

import notify
from tests.conftest import live_settings, live_sms_settings
from tests.factories import applicant, run_jobs

PHONE = "13855552222"
SERVICE = "道路普通货物运输经营许可"


def _live(settings, wechat, fake_aliyun):
    return live_settings(live_sms_settings(settings, fake_aliyun), wechat)


async def _subscriber(client, db, name: str, template: str) -> int:
    me = await applicant(client, name)
    await db.execute("UPDATE users SET phone = $2 WHERE id = $1", me["user"]["id"], PHONE)
    res = await client.post("/api/v1/me/subscriptions", json={"templateIds": [template]}, headers=me["headers"])
    assert res.status_code == 200, res.text
    return me["user"]["id"]


async def _enqueue(db, user_id: int, event: str, key: str, **params) -> list[int]:
    async with db.transaction():
        return await notify.enqueue(db, user_id=user_id, event=event, dedupe_key=key, subject=("application", 9),
                                    params={"serviceName": SERVICE, "publicNo": "WZ-20261206-000009", **params})


async def test_a_rejection_reason_with_a_line_break_reaches_wechat_on_one_line(
        client, db, settings, wechat, fake_aliyun):
    user_id = await _subscriber(client, db, "linebreak", "tmpl-result")
    await _enqueue(db, user_id, "approval_result", "result:linebreak", result="不予许可",
                   reason="经营场所证明\r\n与申请地址不符\t请核实")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    [sent] = wechat.subscribe_sent  # the fake answers 47003 "contains control characters" otherwise
    assert sent["data"]["thing3"]["value"] == "经营场所证明 与申请地址不符 请核实"
    assert sent["data"]["phrase2"]["value"] == "不予许可"
    row = await db.fetchrow("SELECT status, content FROM notifications WHERE channel = 'wechat'")
    assert row["status"] == "sent"
    assert "与申请地址不符" in row["content"]  # the in-app copy keeps the reason as written


async def test_a_gap_list_too_long_for_a_thing_says_how_many_and_the_page_lists_them(
        client, db, settings, wechat, fake_aliyun):
    live = _live(settings, wechat, fake_aliyun)
    user_id = await _subscriber(client, db, "gaps", "tmpl-material-gap")
    gaps = "道路运输证、驾驶证、从业资格证"
    await _enqueue(db, user_id, "material_gap", "gap:many", count=3, gaps=gaps,
                   reason=f"{gaps}（请于2026年7月6日前补齐）")
    await run_jobs(live)
    [sent] = wechat.subscribe_sent
    assert sent["data"]["thing3"]["value"] == "3项材料待补正"  # not "道路运输证、驾驶证、从业资格证（请于20…"
    inapp = await db.fetchval("SELECT content FROM notifications WHERE channel = 'inapp' AND dedupe_key = 'gap:many'")
    assert gaps in inapp  # the page and the in-app copy list all three

    await _subscriber(client, db, "gaps", "tmpl-material-gap")
    await _enqueue(db, user_id, "material_gap", "gap:one", count=1, gaps="身份证", reason="身份证（请于7月6日前补齐）")
    await run_jobs(live)
    assert wechat.subscribe_sent[1]["data"]["thing3"]["value"] == "身份证（请于7月6日前补齐）"  # a list that fits


async def test_a_field_error_from_wechat_falls_back_to_sms_and_keeps_the_authorisation(
        client, db, settings, wechat, fake_aliyun):
    user_id = await _subscriber(client, db, "field", "tmpl-progress")
    wechat.subscribe_errcode = 47003  # a value WeChat will not take, whatever the reason
    await _enqueue(db, user_id, "application_submitted", "submitted:field")
    await run_jobs(_live(settings, wechat, fake_aliyun))
    assert wechat.subscribe_sent == []
    [sms] = fake_aliyun.messages(PHONE)
    assert sms["template"] == "SMS_480010002"
    wx = await db.fetchrow("SELECT status, provider_status FROM notifications WHERE channel = 'wechat'")
    assert (wx["status"], wx["provider_status"]) == ("failed", "47003")
    assert await db.fetchval("SELECT remaining FROM wechat_subscriptions WHERE user_id = $1", user_id) == 1
