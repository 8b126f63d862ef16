"""An approver on a 375 px phone claims a task and returns it for one missing material; the
applicant's application then shows the gap through the API."""

from __future__ import annotations

import httpx
import pytest

from tests.approvals.helpers import people, submitted
from tests.console.conftest import live_server, phone_page, sign_in_page
from tests.console.helpers import account
from tests.factories import STAFF_PASSWORD


@pytest.mark.browser
async def test_an_approver_returns_a_case_for_one_missing_material_from_a_phone(client, settings, db, browser, shots):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await db.execute("INSERT INTO application_materials (application_id, material_code, name, required) VALUES "
                     "($1, 'parking_proof', '停车场地产权或租赁证明', true), ($1, 'safety_rules', '安全生产管理制度', true)",
                     app_id)
    await account(db, phone="13900007001", roles=["approver"], steps=["accept"], name="受理员 周敏")
    with live_server(settings) as server:
        page = await phone_page(browser, server.url)
        await sign_in_page(page, "13900007001", STAFF_PASSWORD)
        await page.goto("/console/tasks")
        await shots(page, "queue")
        await page.click("#tasks a.title")
        await page.click("button:has-text('认领此待办')")
        await page.wait_for_selector("text=已认领")
        await shots(page, "claimed")
        await page.check("input[name=decision][value=return]")
        await page.check("input[name=missing][value=parking_proof]")
        await page.fill("input[name=note_parking_proof]", "租赁合同已过期，请上传有效合同")
        await shots(page, "return-form")
        await page.click("button:has-text('提交决定')")
        await page.wait_for_selector("text=已退回补正")
        await shots(page, "returned")
        async with httpx.AsyncClient(base_url=server.url) as http:
            detail = (await http.get(f"/api/v1/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    assert detail["status"] == "needs_supplement"
    assert [(g["code"], g["message"]) for g in detail["gapNotice"]["gaps"]] == \
        [("parking_proof", "租赁合同已过期，请上传有效合同")]
