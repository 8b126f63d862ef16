"""The console's window verification page (issue 19): the same rules as the API route."""

from __future__ import annotations

from tests.clock import use_clock
from tests.console.helpers import account, post, sign_in
from tests.factories import applicant
from tests.samples import JPG

RESIDENT_ID = "11010519491231002X"


async def test_an_approver_confirms_a_person_at_the_window_page(client, db):
    use_clock(client, "2026-06-08 10:00")
    zhang = await applicant(client, "zhang", verified=False)
    await db.execute("UPDATE users SET phone = '13800001111' WHERE id = $1", zhang["user"]["id"])
    clerk_id = await account(db, phone="13900003001", roles=["approver"], steps=["accept"], name="窗口人员")
    assert (await sign_in(client, "13900003001")).status_code == 200

    page = await client.get("/console/identity/window")
    assert page.status_code == 200 and "窗口实名核验" in page.text and "护照" in page.text
    res = await post(client, "/console/identity/window", {"phone": "13800001111", "id_type": "resident_id",
                                                          "name": "张三", "id_number": RESIDENT_ID})
    assert res.status_code == 200, res.text
    assert "实名认证已完成" in res.text and "110***********002X" in res.text and RESIDENT_ID not in res.text
    row = await db.fetchrow("SELECT method, verified_by, status FROM identities WHERE user_id = $1",
                            zhang["user"]["id"])
    assert tuple(row) == ("window", clerk_id, "verified")


async def test_the_window_page_refuses_the_staff_members_own_account(client, db):
    await account(db, phone="13900003001", roles=["approver"], steps=["accept"], name="窗口人员")
    assert (await sign_in(client, "13900003001")).status_code == 200
    res = await post(client, "/console/identity/window", {"phone": "13900003001", "id_type": "resident_id",
                                                          "name": "窗口人员", "id_number": RESIDENT_ID})
    assert res.status_code == 403 and "不能为本人账号办理实名核验" in res.text
    assert await db.fetchval("SELECT count(*) FROM identities") == 0


async def test_a_help_desk_agent_cannot_open_the_window_page(client, db):
    await account(db, phone="13900003002", roles=["helpdesk"], name="客服")
    assert (await sign_in(client, "13900003002")).status_code == 200
    assert (await client.get("/console/identity/window")).status_code == 403


async def test_an_approver_reviews_an_uploaded_document_in_the_console(client, db):
    use_clock(client, "2026-06-05 16:00")
    smith = await applicant(client, "smith", verified=False)
    up = await client.post("/api/v1/me/identity/documents", headers=smith["headers"],
                           files={"file": ("passport.jpg", JPG, "image/jpeg")},
                           data={"name": "SMITH JOHN", "idType": "passport", "idNumber": "E12345678"})
    doc = up.json()
    await account(db, phone="13900003001", roles=["approver"], steps=["accept"], name="核验人员")
    assert (await sign_in(client, "13900003001")).status_code == 200

    queue = await client.get("/console/identity/documents")
    assert queue.status_code == 200 and "E12**5678" in queue.text and "E12345678" not in queue.text
    detail = await client.get(f"/console/identity/documents/{doc['id']}")
    assert detail.status_code == 200 and "E12345678" in detail.text and "SMITH JOHN" in detail.text
    photo = await client.get(f"/console/identity/documents/{doc['id']}/photo")
    assert photo.status_code == 200 and photo.content == JPG
    assert [r["what"] for r in await db.fetch("SELECT what FROM identity_views ORDER BY id")] == ["detail", "photo"]

    res = await post(client, f"/console/identity/documents/{doc['id']}/refuse", {"reason": "照片反光看不清"})
    assert res.status_code == 200 and "已退回" in res.text
    assert await db.fetchval("SELECT status FROM identities WHERE id = $1", doc["id"]) == "refused"
    again = await post(client, f"/console/identity/documents/{doc['id']}/approve")
    assert again.status_code == 409
