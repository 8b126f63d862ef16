"""Sites and opening schedules edited from the console: later slot generation follows them."""

from __future__ import annotations

from tests.console.helpers import account, post, sign_in


async def test_an_admin_edits_a_site_and_its_schedule_and_new_slots_follow_it(client, db):
    await account(db, phone="13900008601", roles=["admin"], name="管理员")
    await sign_in(client, "13900008601")
    site = await db.fetchrow("SELECT s.id, ss.service_code FROM appt_sites s JOIN appt_site_services ss "
                             "ON ss.site_id = s.id WHERE s.code = 'city-service-centre' ORDER BY ss.service_code LIMIT 1")
    sid, code = site["id"], site["service_code"]
    page = await client.get(f"/console/admin/sites/{sid}")
    assert page.status_code == 200 and "排班（每个工作日）" in page.text

    saved = await post(client, f"/console/admin/sites/{sid}", {"name": "市民中心交通窗口", "address": "温州市府东路500号",
                                                               "phone": "0577-88960000"})
    assert saved.status_code == 200 and "服务点信息已保存" in saved.text
    assert await db.fetchval("SELECT name FROM appt_sites WHERE id = $1", sid) == "市民中心交通窗口"

    await db.execute("DELETE FROM appt_schedules WHERE site_id = $1 AND service_code = $2", sid, code)
    bad = await post(client, f"/console/admin/sites/{sid}/schedules", {"service_code": code, "opens_at": "10:00",
                                                                       "closes_at": "09:00", "slot_minutes": "30",
                                                                       "capacity": "3"})
    assert bad.status_code == 422 and "结束时间须晚于开始时间" in bad.text
    other = await post(client, f"/console/admin/sites/{sid}/schedules", {"service_code": "no-such-service",
                                                                         "opens_at": "09:00", "closes_at": "10:00",
                                                                         "slot_minutes": "30", "capacity": "3"})
    assert other.status_code == 422
    added = await post(client, f"/console/admin/sites/{sid}/schedules", {"service_code": code, "opens_at": "09:00",
                                                                         "closes_at": "10:00", "slot_minutes": "30",
                                                                         "capacity": "3"})
    assert added.status_code == 200 and "排班已新增" in added.text
    twice = await post(client, f"/console/admin/sites/{sid}/schedules", {"service_code": code, "opens_at": "09:00",
                                                                         "closes_at": "11:00", "slot_minutes": "30",
                                                                         "capacity": "3"})
    assert twice.status_code == 409
    sched = await db.fetchval("SELECT id FROM appt_schedules WHERE site_id = $1 AND service_code = $2", sid, code)
    changed = await post(client, f"/console/admin/sites/{sid}/schedules/{sched}",
                         {"opens_at": "09:00", "closes_at": "10:00", "slot_minutes": "20", "capacity": "4"})
    assert changed.status_code == 200 and "排班已修改" in changed.text

    made = await post(client, "/console/admin/slots", {"site_id": str(sid), "date_from": "2099-06-08",
                                                       "date_to": "2099-06-08", "service_code": code})
    assert made.status_code == 200, made.text
    slots = await db.fetch("SELECT capacity FROM appt_slots WHERE site_id = $1 AND service_code = $2 "
                           "AND day = '2099-06-08' ORDER BY starts_at", sid, code)
    assert [s["capacity"] for s in slots] == [4, 4, 4]  # 09:00, 09:20, 09:40

    gone = await post(client, f"/console/admin/sites/{sid}/schedules/{sched}/delete")
    assert gone.status_code == 200 and "排班已删除" in gone.text
    assert await db.fetchval("SELECT count(*) FROM appt_slots WHERE site_id = $1 AND day = '2099-06-08'", sid) == 3
    assert (await post(client, f"/console/admin/sites/{sid}/schedules/{sched}/delete")).status_code == 404
