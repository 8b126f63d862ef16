"""After the decision, on a 375 px phone: an exam result whose pass issues the certificate, a licence
handed over at the window to a proxy with the signed letter, a booking checked in by its code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.clock import today
from tests.appointments.helpers import admin, book, generate, slot_at
from tests.appointments.helpers import people as applicants
from tests.approvals.helpers import EXAM_FORM, people, submitted, task_of, through_to_exam
from tests.console.conftest import live_server, phone_page, sign_in_page
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD
from tests.clock import use_clock

LEAD = "13900001004"  # the decide-step lead of tests.approvals.helpers.people
PROXY_ID = "110101199003074514"


@pytest.mark.browser
async def test_an_exam_pass_recorded_from_a_phone_issues_the_certificate(client, settings, db, browser, shots):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"], "taxi-driver-cert", form=EXAM_FORM, promised_days=3)
    task = await through_to_exam(client, db, who, app_id)
    first, retake = (today() - timedelta(days=14)).isoformat(), today().isoformat()
    with live_server(settings) as server:
        page = await phone_page(browser, server.url)
        await sign_in_page(page, LEAD, STAFF_PASSWORD)
        await page.goto(f"/console/tasks/{task['id']}")
        await page.wait_for_selector("text=资格考试")
        # first sitting: the regional subject failed — the applicant is told to book a retake
        await page.fill("input[name=taken_on]", first)
        await page.fill("input[name=national]", "95")
        await page.fill("input[name=regional]", "70")
        await shots(page, "first-sitting")
        await page.click("button:has-text('录入成绩')")
        await page.wait_for_selector("text=有科目未合格")
        await shots(page, "retake")
        assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) != "approved"
        # the retake holds only the failed subject; the pass issues the certificate
        await page.fill("input[name=taken_on]", retake)
        await page.fill("input[name=regional]", "93")
        await page.click("button:has-text('录入成绩')")
        await page.wait_for_selector("text=考试合格，已准予许可并发证")
        await shots(page, "passed")
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "approved"
    assert await db.fetchval("SELECT count(*) FROM licences WHERE application_id = $1", app_id) >= 1
    results = await db.fetch("SELECT subject, passed FROM exam_results WHERE application_id = $1 ORDER BY id", app_id)
    assert [(r["subject"], r["passed"]) for r in results] == [("national", True), ("regional", False),
                                                              ("regional", True)]


@pytest.mark.browser
async def test_a_licence_is_handed_over_at_the_window_to_a_proxy_with_the_letter(client, settings, db, browser,
                                                                                 shots):
    who = await people(client, db)
    res = await client.post("/api/v1/applications", headers=who["applicant"]["headers"], json={
        "serviceCode": "temporary-plate", "answers": {"unplated": "no"},
        "form": {"companyName": "温州大件运输有限公司", "deliveryMethod": "窗口自取", "pickupSite": "city-service-centre"}})
    app_id = res.json()["id"]
    assert (await client.post(f"/api/v1/applications/{app_id}/submit", headers=who["applicant"]["headers"])).status_code == 200
    await client.get("/api/v1/tasks", headers=who["lead"]["headers"])
    task = await task_of(db, app_id)
    res = await client.post(f"/api/v1/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    delivery_id = await db.fetchval("SELECT id FROM deliveries WHERE application_id = $1", app_id)
    with live_server(settings) as server:
        page = await phone_page(browser, server.url)
        await sign_in_page(page, LEAD, STAFF_PASSWORD)
        await page.goto("/console/deliveries")
        card = page.locator(f"#delivery-{delivery_id}")
        await card.locator("text=待领取").wait_for()
        await shots(page, "waiting")
        await card.locator("input[name=collector][value=proxy]").check()
        await card.locator("input[name=proxy_name]").fill("李四")
        await card.locator("input[name=proxy_id_number]").fill(PROXY_ID)
        # without the letter checked the hand-over is refused, in words
        await card.locator("button:has-text('确认领取')").click()
        await page.wait_for_selector("#flash >> text=授权委托书")
        assert await db.fetchval("SELECT status FROM deliveries WHERE id = $1", delivery_id) == "pending"
        await card.locator("input[name=letter_checked]").check()
        await shots(page, "proxy-form")
        await card.locator("button:has-text('确认领取')").click()
        await page.wait_for_selector("text=已由代领人领取")
        await shots(page, "handed-over")
        assert "李*" in await page.locator(f"#delivery-{delivery_id}").inner_text()
    row = await db.fetchrow("SELECT * FROM deliveries WHERE id = $1", delivery_id)
    assert (row["status"], row["collected_by"], row["proxy_name"], row["proxy_letter_checked"]) == \
        ("picked_up", "proxy", "李四", True)
    assert await db.fetchval("SELECT count(*) FROM trips WHERE application_id = $1 AND kind = 'pickup'", app_id) == 1


@pytest.mark.browser
async def test_a_booking_is_checked_in_at_the_window_by_its_code(client, settings, db, browser, shots):
    clock = use_clock(client, "2026-06-05 10:00")
    boss = await admin(client, db)
    await generate(client, boss["headers"], site="city-service-centre", service="freight-operating-permit",
                   day_from="2026-06-08")
    slot = await slot_at(client, boss["headers"], "freight-operating-permit", "2026-06-08 09:00")
    [me] = await applicants(client, db, 1, "visitor")
    await db.execute("UPDATE users SET name = '张三丰', phone = '13812345678' WHERE id = $1", me["id"])
    booked = await book(client, me, slot["id"])
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    await account(db, phone="13900008201", roles=["approver"], steps=["accept"], name="窗口 陈静")
    clock.set(clock.now.replace(day=8, hour=8, minute=50))
    with live_server(settings) as server:
        server.app.state.clock = clock
        page = await phone_page(browser, server.url)
        await sign_in_page(page, "13900008201", STAFF_PASSWORD)
        await page.goto("/console/check-in")
        await page.fill("input[name=code]", code.lower())  # typed in lower case: taken as the code
        await shots(page, "code-typed")
        await page.click("button:has-text('签到')")
        await page.wait_for_selector("#checked-in >> text=已签到")
        await shots(page, "checked-in")
        shown = await page.locator("#checked-in").inner_text()
        assert "张**" in shown and "138****5678" in shown and "张三丰" not in shown
    assert await db.fetchval("SELECT status FROM appointments WHERE code = $1", code) == "checked_in"
    assert await db.fetchval("SELECT count(*) FROM trips WHERE user_id = $1", me["id"]) == 1
