"""Issue 26: changes to sites, schedules and working-day overrides are recorded like catalogue edits
(who, when, before and after), by whatever path, and an admin reads them on the change log page."""

from __future__ import annotations

from tests.console.helpers import account, post, sign_in
from tests.factories import STAFF_PASSWORD


async def test_site_schedule_and_workday_changes_are_recorded_with_who_before_and_after(client, db):
    await account(db, phone="13900026201", roles=["admin"], name="管理员李")
    await sign_in(client, "13900026201")
    site = await db.fetchrow("SELECT s.id, s.name, ss.service_code FROM appt_sites s JOIN appt_site_services ss "
                             "ON ss.site_id = s.id WHERE s.code = 'city-service-centre' ORDER BY ss.service_code LIMIT 1")
    sid, code, old_name = site["id"], site["service_code"], site["name"]
    start = await db.fetchval("SELECT coalesce(max(id), 0) FROM settings_audit")  # the seed's rows before
    saved = await post(client, f"/console/admin/sites/{sid}", {"name": "市民中心交通窗口", "address": "温州市府东路500号",
                                                               "phone": "0577-88960000"})
    assert saved.status_code == 200
    await db.execute("DELETE FROM appt_schedules WHERE site_id = $1 AND service_code = $2", sid, code)  # no actor
    schedule = {"service_code": code, "opens_at": "09:00", "closes_at": "10:00", "slot_minutes": "30", "capacity": "3"}
    assert (await post(client, f"/console/admin/sites/{sid}/schedules", schedule)).status_code == 200
    sched = await db.fetchval("SELECT id FROM appt_schedules WHERE site_id = $1 AND service_code = $2", sid, code)
    assert (await post(client, f"/console/admin/sites/{sid}/schedules/{sched}",
                       {**schedule, "capacity": "5"})).status_code == 200
    assert (await post(client, f"/console/admin/sites/{sid}/schedules/{sched}/delete")).status_code == 200
    assert (await post(client, "/console/admin/workdays", {"day": "2099-10-09", "is_workday": "true",
                                                           "note": "国庆调休上班"})).status_code == 200
    # the same day again, unchanged: no new record; then back to a rest day through the JSON API
    assert (await post(client, "/console/admin/workdays", {"day": "2099-10-09", "is_workday": "true",
                                                           "note": "国庆调休上班"})).status_code == 200
    token = (await client.post("/api/v1/auth/staff-login", json={"phone": "13900026201", "password": STAFF_PASSWORD}
                               )).json()["accessToken"]
    api = await client.put("/api/v1/admin/workdays/2099-10-09", json={"isWorkday": False, "note": "改回休息"},
                           headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.text

    admin = await db.fetchval("SELECT id FROM users WHERE phone = '13900026201'")
    rows = await db.fetch("SELECT kind, action, before, after, actor_id FROM settings_audit "
                          "WHERE id > $2 AND (kind <> 'schedule' OR object_key = $1) ORDER BY id", str(sched), start)
    seen = [(r["kind"], r["action"], r["actor_id"]) for r in rows if r["kind"] != "schedule" or r["action"] != "deleted"
            or r["actor_id"] is not None]
    assert seen[:1] == [("site", "changed", admin)]
    assert rows[0]["before"]["name"] == old_name and rows[0]["after"]["name"] == "市民中心交通窗口"
    assert ("schedule", "created", admin) in seen and ("schedule", "changed", admin) in seen
    assert ("schedule", "deleted", admin) in seen
    workday = [(r["action"], r["actor_id"], (r["after"] or {}).get("is_workday")) for r in rows if r["kind"] == "workday"]
    assert workday[0] == ("created", admin, True) and len(workday) == 2  # the unchanged save left no row
    assert workday[1][0] == "changed" and workday[1][2] is False  # the API's change recorded too
    # the schedule rows deleted by hand (psql) are recorded without an actor
    assert await db.fetchval("SELECT count(*) FROM settings_audit WHERE kind = 'schedule' AND action = 'deleted' "
                             "AND actor_id IS NULL") >= 1

    page = await client.get("/console/admin/settings-log")
    assert page.status_code == 200
    assert f"名称：{old_name} → 市民中心交通窗口" in page.text and "操作人：管理员李" in page.text
    assert "每时段容量：3 → 5" in page.text and "排班删除" in page.text
    assert "节假日调整新增：2099-10-09" in page.text and "类型：工作日 → 休息日" in page.text
    assert "service_code" not in page.text and "is_workday" not in page.text
    only = await client.get("/console/admin/settings-log?kind=workday")
    assert "服务点修改" not in only.text and "2099-10-09" in only.text
    assert (await client.get("/console/admin/settings-log?kind=users")).status_code == 400


async def test_only_admins_read_the_change_log(client, db):
    await account(db, phone="13900026202", roles=["approver", "lead"], steps=["decide"])
    await sign_in(client, "13900026202")
    assert (await client.get("/console/admin/settings-log")).status_code == 403
