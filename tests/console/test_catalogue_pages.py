"""Admin pages over HTTP: the catalogue's fee, promised days and materials text edited with an audit
trail, a working-day override, the SMS channel's pause seen and lifted."""

from __future__ import annotations

import redis.asyncio as aioredis

from notify.delivery import PAUSE_KEY
from tests.console.helpers import account, post, sign_in

CODE = "dangerous-goods-permit"


async def test_an_admin_edits_fee_promised_days_and_a_material_and_every_change_is_recorded(client, db):
    admin = await account(db, phone="13900008501", roles=["admin"], name="管理员 林芳")
    await sign_in(client, "13900008501")
    listing = await client.get("/console/admin/catalogue")
    assert listing.status_code == 200 and f'href="/console/admin/catalogue/{CODE}"' in listing.text
    spec = await client.get(f"/api/v1/services/{CODE}")
    before = spec.json()
    material = before["materials"][0]
    form = {"fee": "不收费（工本费免收）", "promised_days": str(before["promisedDays"] - 1),
            f"name_{material['code']}": material["name"], f"note_{material['code']}": "复印件加盖公章"}
    too_long = await post(client, f"/console/admin/catalogue/{CODE}",
                          {**form, "promised_days": str(before["legalDays"] + 1)})
    assert too_long.status_code == 422 and "法定时限" in too_long.text
    saved = await post(client, f"/console/admin/catalogue/{CODE}", form)
    assert saved.status_code == 200 and "已保存 3 处修改" in saved.text, saved.text
    after = (await client.get(f"/api/v1/services/{CODE}")).json()
    assert after["fee"] == "不收费（工本费免收）" and after["promisedDays"] == before["promisedDays"] - 1
    assert after["materials"][0]["note"] == "复印件加盖公章"
    edits = await db.fetch("SELECT part, before, after, actor_id FROM catalogue_edits WHERE service_code = $1 "
                           "ORDER BY id", CODE)
    assert [(e["part"], e["after"], e["actor_id"]) for e in edits] == [
        ("fee", "不收费（工本费免收）", admin), ("promisedDays", str(before["promisedDays"] - 1), admin),
        (f"material:{material['code']}:note", "复印件加盖公章", admin)]
    assert edits[0]["before"] == before["fee"]
    again = await post(client, f"/console/admin/catalogue/{CODE}", form)
    assert "没有修改" in again.text
    page = await client.get(f"/console/admin/catalogue/{CODE}")
    assert "修改记录" in page.text and "复印件加盖公章" in page.text


async def test_an_admin_sets_a_holiday_and_lifts_the_sms_pause(client, db, redis_url):
    await account(db, phone="13900008502", roles=["admin"], name="管理员")
    await sign_in(client, "13900008502")
    bad = await post(client, "/console/admin/workdays", {"day": "not-a-day", "is_workday": "false"})
    assert bad.status_code == 422
    done = await post(client, "/console/admin/workdays", {"day": "2099-10-09", "is_workday": "true",
                                                          "note": "国庆调休上班"})
    assert done.status_code == 200 and "2099-10-09 已设为工作日" in done.text
    row = await db.fetchrow("SELECT is_workday, note FROM workday_overrides WHERE day = '2099-10-09'")
    assert (row["is_workday"], row["note"]) == (True, "国庆调休上班")

    redis = aioredis.Redis.from_url(redis_url)
    await redis.set(PAUSE_KEY, "isv.AMOUNT_NOT_ENOUGH", px=3_600_000)
    paused = await client.get("/console/admin/sms-channel")
    assert "短信账户余额不足" in paused.text and "恢复短信通道" in paused.text
    resumed = await post(client, "/console/admin/sms-channel/resume")
    assert resumed.status_code == 200 and "短信通道已恢复" in resumed.text and "运行正常" in resumed.text
    assert await redis.get(PAUSE_KEY) is None
    await redis.aclose()
