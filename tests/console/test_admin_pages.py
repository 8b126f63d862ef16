"""Admin pages over HTTP: bad reviews followed up with deadlines, slot generation, reform figures."""

from __future__ import annotations

from tests.console.helpers import account, post, sign_in
from tests.factories import applicant
from tests.ratings.helpers import finished_application
from tests.clock import use_clock


async def test_a_bad_review_is_called_back_and_closed_from_the_console(client, db):
    use_clock(client, "2026-03-06 16:00")
    zhang = await applicant(client, "zhang")
    await db.execute("UPDATE users SET name = '张国强', phone = '13811112222' WHERE id = $1", zhang["user"]["id"])
    app_id = await finished_application(db, zhang["user"]["id"], submitted="2026-03-06 09:00", decided="2026-03-06 10:00")
    rated = await client.post("/api/v1/ratings", headers=zhang["headers"],
                              json={"targetType": "application", "targetId": app_id, "level": 2, "comment": "等了很久"})
    rid = rated.json()["id"]
    await account(db, phone="13900004001", roles=["admin"], name="管理员")
    await sign_in(client, "13900004001")

    listing = await client.get("/console/admin/ratings")
    assert listing.status_code == 200 and "等了很久" in listing.text
    assert "回访期限 2026-03-09" in listing.text and "整改期限 2026-03-13" in listing.text
    assert "张*" in listing.text and "张国强" not in listing.text and "13811112222" not in listing.text

    called = await post(client, f"/console/admin/ratings/{rid}/call-back", {"note": "已电话联系，申请人说明了情况"})
    assert called.status_code == 200 and "已登记回访" in called.text
    closed = await post(client, f"/console/admin/ratings/{rid}/follow-up", {"outcome": "rectified", "note": "窗口增加人手"})
    assert closed.status_code == 200 and "整改已办结" in closed.text
    kinds = [r["kind"] for r in await db.fetch(
        "SELECT kind FROM rating_follow_up_events WHERE rating_id = $1 ORDER BY id", rid)]
    assert kinds[0] == "opened" and len(kinds) == 3


async def test_an_admin_generates_slots_for_a_site_and_a_date_range(client, db):
    await account(db, phone="13900004002", roles=["admin"])
    await sign_in(client, "13900004002")
    page = await client.get("/console/admin/slots")
    site = await db.fetchval("SELECT id FROM appt_sites ORDER BY id LIMIT 1")
    assert f'<option value="{site}">' in page.text
    before = await db.fetchval("SELECT count(*) FROM appt_slots WHERE site_id = $1", site)
    res = await post(client, "/console/admin/slots", {"site_id": str(site), "date_from": "2027-03-01",
                                                      "date_to": "2027-03-05"})
    assert res.status_code == 200 and "已生成" in res.text, res.text
    assert await db.fetchval("SELECT count(*) FROM appt_slots WHERE site_id = $1", site) > before


async def test_a_reversed_date_range_is_a_clear_4xx_and_creates_nothing(client, db):
    await account(db, phone="13900004003", roles=["admin"])
    await sign_in(client, "13900004003")
    site = await db.fetchval("SELECT id FROM appt_sites ORDER BY id LIMIT 1")
    before = await db.fetchval("SELECT count(*) FROM appt_slots")
    res = await post(client, "/console/admin/slots", {"site_id": str(site), "date_from": "2027-03-05",
                                                      "date_to": "2027-03-01"})
    assert res.status_code == 422 and "表单内容不正确" in res.text
    assert await db.fetchval("SELECT count(*) FROM appt_slots") == before


async def test_the_reform_figures_page_draws_its_charts(client, db):
    use_clock(client, "2026-03-31 12:00")
    zhang = await applicant(client, "zhang")
    await finished_application(db, zhang["user"]["id"], submitted="2026-03-02 09:00", decided="2026-03-02 10:00")
    await account(db, phone="13900004004", roles=["lead"], name="科长")
    await sign_in(client, "13900004004")
    res = await client.get("/console/admin/stats", params={"from": "2026-01-01", "to": "2026-03-31"})
    assert res.status_code == 200 and "网办率" in res.text
    assert res.text.count("<rect") >= 3 and 'aria-label="办件量"' in res.text
    assert (await client.get("/console/admin/slots")).status_code == 403  # slots are for admins only
