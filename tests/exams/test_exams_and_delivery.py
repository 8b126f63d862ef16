"""Qualification exams after the background review, and the certificate sent by express."""

from __future__ import annotations

from tests.approvals.helpers import EXAM_FORM, people, submitted, through_to_exam

TASKS = "/api/v1/tasks"
FORM = EXAM_FORM


async def test_exam_fail_may_be_retaken_and_a_pass_issues_the_certificate_sent_by_express(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"], "taxi-driver-cert", form=FORM, promised_days=3)
    exam_task = await through_to_exam(client, db, who, app_id)
    res = await client.post(f"{TASKS}/{exam_task['id']}/decision", json={"decision": "approve"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 409 and res.json()["code"] == "task_waiting_exam"
    url = f"{TASKS}/{exam_task['id']}/exam-result"
    res = await client.post(url, json={"takenOn": "2026-01-05", "national": 95, "regional": 80},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "waiting" and res.json()["attempts"] == 1
    fail = await db.fetch("SELECT params FROM notifications WHERE event = 'exam_result' AND channel = 'inapp'")
    assert len(fail) == 1 and fail[0]["params"]["result"] == "不合格" and "区域科目" in fail[0]["params"]["reason"]
    # F123: only the failed subject is taken again; the national pass still counts
    res = await client.post(url, json={"takenOn": "2026-01-20", "regional": 93}, headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "passed" and res.json()["licenceIds"]
    app = await db.fetchrow("SELECT status FROM applications WHERE id = $1", app_id)
    assert app["status"] == "approved"
    delivery = await db.fetchrow("SELECT * FROM deliveries WHERE application_id = $1", app_id)
    assert delivery["method"] == "express" and delivery["address"] == FORM["deliveryAddress"]
    listed = (await client.get("/api/v1/deliveries", headers=who["lead"]["headers"])).json()["items"]
    assert [d["id"] for d in listed] == [delivery["id"]] and listed[0]["applicant"] == "王**"
    res = await client.post(f"/api/v1/deliveries/{delivery['id']}/shipment", json={"trackingNo": "EA123456789CN"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 200 and res.json()["status"] == "shipped"
    shipped = await db.fetch("SELECT channel, params FROM notifications WHERE event = 'licence_shipped'")
    assert {r["channel"] for r in shipped} == {"inapp", "sms"} and shipped[0]["params"]["trackingNo"] == "EA123456789CN"
    res = await client.post(f"/api/v1/deliveries/{delivery['id']}/shipment", json={"trackingNo": "EA123456789CN"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 409 and res.json()["code"] == "delivery_done"
    res = await client.post(f"/api/v1/deliveries/{delivery['id']}/shipment", json={"trackingNo": "bad no"},
                            headers=who["lead"]["headers"])
    assert res.status_code == 400
