"""Approver pages over HTTP after the decision: an exam session assigned from the task page, the
result recorded, the licence shipped with its EMS number and re-shipped after it was lost."""

from __future__ import annotations

import re
from datetime import timedelta

from api.clock import today
from tests.appointments.helpers import admin, generate
from tests.approvals.helpers import EXAM_FORM, people, submitted, through_to_exam
from tests.console.helpers import post, sign_in

LEAD = "13900001004"


async def test_an_exam_session_and_result_then_the_licence_shipped_and_reshipped(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"], "taxi-driver-cert", form=EXAM_FORM, promised_days=3)
    task = await through_to_exam(client, db, who, app_id)
    # staff put people on sessions by the real clock, as POST /tasks/{id}/exam-slot does
    boss = await admin(client, db)
    await generate(client, boss["headers"], site="transport-school-exam-centre", service="taxi-driver-cert",
                   day_from=(today() + timedelta(days=1)).isoformat(), day_to=(today() + timedelta(days=14)).isoformat(),
                   release_at=f"{today() - timedelta(days=1)} 09:00")
    await sign_in(client, LEAD)

    page = await client.get(f"/console/tasks/{task['id']}")
    assert page.status_code == 200 and "安排考试场次" in page.text
    slot = int(re.search(r'name="slot_id">\s*<option value="(\d+)"', page.text).group(1))
    booked = await post(client, f"/console/tasks/{task['id']}/exam-slot", {"slot_id": str(slot)})
    assert booked.status_code == 200 and "已安排考试" in booked.text, booked.text
    assert await db.fetchval("SELECT count(*) FROM appointments WHERE application_id = $1 AND kind = 'exam'",
                             app_id) == 1
    empty = await post(client, f"/console/tasks/{task['id']}/exam-result", {"taken_on": today().isoformat()})
    assert empty.status_code == 422 and "至少录入一科成绩" in empty.text and "national" not in empty.text
    passed = await post(client, f"/console/tasks/{task['id']}/exam-result",
                        {"taken_on": today().isoformat(), "national": "96", "regional": "92"})
    assert passed.status_code == 200 and "考试合格，已准予许可并发证" in passed.text

    delivery = await db.fetchval("SELECT id FROM deliveries WHERE application_id = $1", app_id)
    listed = await client.get("/console/deliveries")
    assert f'id="delivery-{delivery}"' in listed.text and EXAM_FORM["deliveryAddress"] in listed.text
    bad = await post(client, f"/console/deliveries/{delivery}/shipment", {"tracking_no": "bad no"})
    assert bad.status_code == 422 and "EMS 快递单号" in bad.text
    shipped = await post(client, f"/console/deliveries/{delivery}/shipment", {"tracking_no": "EA123456789CN"})
    assert shipped.status_code == 200 and "已寄出，EMS 单号 EA123456789CN" in shipped.text
    again = await post(client, f"/console/deliveries/{delivery}/reshipment",
                       {"reason": "lost", "tracking_no": "EA987654321CN", "address": ""})
    assert again.status_code == 200 and "已补发，新 EMS 单号 EA987654321CN" in again.text
    numbers = [r["tracking_no"] for r in await db.fetch(
        "SELECT tracking_no FROM delivery_shipments WHERE delivery_id = $1 ORDER BY id", delivery)]
    assert numbers == ["EA123456789CN", "EA987654321CN"]
    assert "已寄出" in (await client.get("/console/deliveries?status=shipped")).text
