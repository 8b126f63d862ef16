"""Staff accounts from the console over HTTP: created, roles changed (the person's sessions end),
no admin locks themselves out, every change audited."""

from __future__ import annotations

from tests.console.helpers import account, post, sign_in
from tests.factories import STAFF_PASSWORD


async def test_an_admin_creates_an_account_changes_its_roles_and_each_change_is_audited(client, db):
    admin = await account(db, phone="13900008401", roles=["admin"], name="管理员")
    await sign_in(client, "13900008401")
    bad = await post(client, "/console/admin/staff", {"name": "孙悦", "phone": "13900008402", "password": "x" * 10,
                                                     "roles": "approver"})
    assert bad.status_code == 422 and "审批环节" in bad.text  # an approver needs a step
    made = await post(client, "/console/admin/staff", {"name": "孙悦", "phone": "13900008402",
                                                      "password": "初始密码abc123", "roles": "approver",
                                                      "steps": "accept"})
    assert made.status_code == 200, made.text
    new_id = await db.fetchval("SELECT id FROM users WHERE phone = '13900008402'")
    assert made.headers["hx-redirect"] == f"/console/admin/staff/{new_id}"
    again = await post(client, "/console/admin/staff", {"name": "孙悦", "phone": "13900008402",
                                                       "password": "初始密码abc123", "roles": "helpdesk"})
    assert again.status_code == 409 and "已是工作人员账号" in again.text
    listing = await client.get("/console/admin/staff")
    assert "孙悦" in listing.text and "139****8402" in listing.text and "13900008402" not in listing.text

    # the new member signs in through the API; a role change ends that session at its next request
    token = (await client.post("/api/v1/auth/staff-login",
                               json={"phone": "13900008402", "password": "初始密码abc123"})).json()["accessToken"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/tasks", headers=bearer)).status_code == 200
    changed = await post(client, f"/console/admin/staff/{new_id}/roles", {"roles": ["helpdesk"]})
    assert changed.status_code == 200 and "已调整" in changed.text
    assert (await client.get("/api/v1/tasks", headers=bearer)).status_code == 401

    # an admin cannot disable or demote themselves
    for action, data in (("disable", {}), ("roles", {"roles": "helpdesk"})):
        res = await post(client, f"/console/admin/staff/{admin}/{action}", data)
        assert res.status_code == 409 and "其他管理员" in res.text
    assert await db.fetchval("SELECT NOT disabled AND roles = '{admin}' FROM users WHERE id = $1", admin)

    events = await db.fetch("SELECT action, actor_id, roles, steps FROM staff_account_events WHERE user_id = $1 "
                            "ORDER BY id", new_id)
    assert [(e["action"], e["actor_id"], list(e["roles"]), list(e["steps"])) for e in events] == [
        ("created", admin, ["approver"], ["accept"]), ("roles_changed", admin, ["helpdesk"], [])]
    page = await client.get(f"/console/admin/staff/{new_id}")
    assert "开通账号" in page.text and "调整角色或环节" in page.text


async def test_a_disabled_member_is_refused_by_the_api_and_the_console_at_once_and_enabled_signs_in_anew(client, db):
    await account(db, phone="13900008411", roles=["admin"], name="管理员")
    member = await account(db, phone="13900008412", roles=["helpdesk"], name="导航员")
    token = (await client.post("/api/v1/auth/staff-login",
                               json={"phone": "13900008412", "password": STAFF_PASSWORD})).json()["accessToken"]
    await sign_in(client, "13900008411")
    assert (await post(client, f"/console/admin/staff/{member}/disable")).status_code == 200
    res = await client.get("/api/v1/helpdesk/conversations", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 401
    assert (await post(client, f"/console/admin/staff/{member}/enable")).status_code == 200
    # the old token stays dead; a new sign-in works
    res = await client.get("/api/v1/helpdesk/conversations", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 401
    login = await client.post("/api/v1/auth/staff-login", json={"phone": "13900008412", "password": STAFF_PASSWORD})
    assert login.status_code == 200
    actions = [r["action"] for r in await db.fetch(
        "SELECT action FROM staff_account_events WHERE user_id = $1 ORDER BY id", member)]
    assert actions == ["disabled", "enabled"]


async def test_an_admin_reads_the_case_view_log_of_one_staff_member(client, db):
    from tests.approvals.helpers import people, submitted, task_of

    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get("/api/v1/tasks", headers=who["accept"]["headers"])  # the queue opens the task
    task = await task_of(db, app_id)
    accept_id = who["accept"]["user"]["id"]
    await db.execute("UPDATE users SET name = '受理员 周敏' WHERE id = $1", accept_id)
    await sign_in(client, "13900001001")
    assert (await client.get(f"/console/tasks/{task['id']}")).status_code == 200  # a look, logged
    client.cookies.clear()
    await account(db, phone="13900008421", roles=["admin"], name="管理员")
    await sign_in(client, "13900008421")
    public_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)
    mine = await client.get("/console/admin/case-views", params={"staff": str(accept_id), "case": ""})
    assert mine.status_code == 200 and "受理员 周敏" in mine.text and public_no in mine.text and "查看详情" in mine.text
    other = await client.get("/console/admin/case-views", params={"staff": str(who["review"]["user"]["id"])})
    assert public_no not in other.text and "没有记录" in other.text
    bad = await client.get("/console/admin/case-views", params={"staff": "x"})
    assert bad.status_code == 400
