"""FAQ F051 "如认为核查结果有误，可点击“申请人工复核”，审批人员会在1个工作日内处理": once per
submission, with a short reason; upheld with a reason or individual checks overridden; the
applicant is told; the outcome sits beside the automatic results; late answers are escalated once."""

from __future__ import annotations

from datetime import date

from arq import create_pool

from jobs import redis_settings
from tests.applications.bulky import NOW, bulky_case, carrier
from tests.clock import sh, use_clock
from tests.factories import applicant, run_jobs, staff

API = "/api/v1"
DRIVER = "people.driver_qualification"


async def _refused(client, db, name: str) -> tuple[dict, int]:
    """A bulky-cargo case whose driver's qualification the library holds as expired: refused by the
    automatic review, returned with the one gap notice."""
    use_clock(client, NOW)  # Monday 8 June 2026, 10:00
    me = await carrier(client, db, name, driver_until=date(2026, 6, 1))
    app_id = await bulky_case(client, me["headers"])
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text
    assert [c["code"] for c in res.json()["review"]["checks"] if c["outcome"] == "failed"] == [DRIVER]
    return me, app_id


async def test_a_person_overrides_a_wrong_check_and_the_case_goes_through_on_resubmission(client, db):
    me, app_id = await _refused(client, db, "rr-override")
    approver = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"])
    res = await client.post(f"{API}/applications/{app_id}/rereview", headers=me["headers"],
                            json={"reason": "驾驶员资格证已换发，库内信息未更新"})
    assert res.status_code == 201, res.text
    asked = res.json()
    assert asked["status"] == "open" and asked["dueOn"] == "2026-06-09"  # 1 working day
    again = await client.post(f"{API}/applications/{app_id}/rereview", headers=me["headers"], json={"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "rereview_already_requested"
    told = await db.fetch("SELECT user_id FROM notifications WHERE event = 'rereview_requested' AND channel = 'inapp'")
    assert approver["user"]["id"] in {r["user_id"] for r in told}

    listed = await client.get(f"{API}/rereviews", headers=approver["headers"])
    assert listed.status_code == 200 and [r["id"] for r in listed.json()] == [asked["id"]]
    bad = await client.post(f"{API}/rereviews/{asked['id']}/decision", headers=approver["headers"],
                            json={"outcome": "override", "reason": "x", "checks": ["company.business_licence"]})
    assert bad.status_code == 422 and bad.json()["code"] == "rereview_checks_invalid"
    res = await client.post(f"{API}/rereviews/{asked['id']}/decision", headers=approver["headers"],
                            json={"outcome": "override", "reason": "已电话核实新证有效", "checks": [DRIVER]})
    assert res.status_code == 200 and res.json()["status"] == "overridden", res.text
    answered = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'rereview_answered' "
                                 "AND channel = 'inapp'")
    assert answered["user_id"] == me["id"] and "驾驶员从业资格" in answered["params"]["result"]
    detail = (await client.get(f"{API}/applications/{app_id}", headers=me["headers"])).json()
    assert detail["rereviews"][0]["overridden"] == [DRIVER] and detail["review"]["failed"] == 1  # beside it
    # submitted again: the person's override stands, the case goes on to acceptance
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "submitted", res.text
    check = next(c for c in res.json()["review"]["checks"] if c["code"] == DRIVER)
    assert (check["outcome"], check["reason"]) == ("passed", "人工复核改判为通过")


async def test_an_upheld_result_is_told_with_its_reason_and_a_late_answer_is_escalated_once(client, db, settings):
    me, app_id = await _refused(client, db, "rr-uphold")
    lead = await staff(client, db, phone="13900002002", roles=["approver", "lead"], steps=["decide"])
    other = await applicant(client, "rr-stranger")
    res = await client.post(f"{API}/applications/{app_id}/rereview", headers=other["headers"], json={"reason": "x"})
    assert res.status_code == 404
    res = await client.post(f"{API}/applications/{app_id}/rereview", headers=me["headers"], json={"reason": "有误"})
    assert res.status_code == 201, res.text
    rereview_id = res.json()["id"]
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        for day, expected in ((date(2026, 6, 9), 0), (date(2026, 6, 10), 1), (date(2026, 6, 11), 0)):
            job = await arq.enqueue_job("escalate_overdue_answers")
            await run_jobs(settings, today=day, clock=lambda: sh(f"{day} 09:00"))  # the job's clock
            assert (await job.result(timeout=5))["rereviews"] == expected, day
    finally:
        await arq.aclose()
    # stamped by the job's clock, not the database's
    assert await db.fetchval("SELECT escalated_at FROM review_rereviews WHERE id = $1", rereview_id) == \
        sh("2026-06-10 09:00")
    escalated = await db.fetch("SELECT user_id FROM notifications WHERE event = 'task_overdue' AND channel = 'inapp'")
    assert lead["user"]["id"] in {r["user_id"] for r in escalated}
    outsider = await staff(client, db, phone="13900002003", roles=["approver"], steps=["other_step"])
    res = await client.post(f"{API}/rereviews/{rereview_id}/decision", headers=outsider["headers"],
                            json={"outcome": "uphold", "reason": "维持"})
    assert res.status_code == 403 and res.json()["code"] == "rereview_not_yours"
    res = await client.post(f"{API}/rereviews/{rereview_id}/decision", headers=lead["headers"],
                            json={"outcome": "uphold", "reason": "库内资格证确已过期，请换证后补正"})
    assert res.status_code == 200 and res.json()["status"] == "upheld", res.text
    answered = await db.fetchrow("SELECT params FROM notifications WHERE event = 'rereview_answered' AND channel = 'inapp'")
    assert answered["params"]["result"] == "维持智能审核结果" and "换证后补正" in answered["params"]["reason"]
    again = await client.post(f"{API}/rereviews/{rereview_id}/decision", headers=lead["headers"],
                              json={"outcome": "uphold", "reason": "维持"})
    assert again.status_code == 409 and again.json()["code"] == "rereview_decided"
