"""FAQ F096 "一次性告知": after the first notice, a later return for materials names only what that
notice named or what the applicant changed since; anything new takes a lead's override with a
reason, is flagged on the case, counted for the admin and the applicant is told how to complain."""

from __future__ import annotations

from api.applications import service as applications
from api.db import discard_after_commit
from tests.approvals.helpers import people, submitted, task_of
from tests.factories import staff

API = "/api/v1"
TASKS = f"{API}/tasks"
PARKING = {"code": "parkingProof", "name": "停车场使用证明", "message": "请上传有效期内的停车场租赁合同", "kind": "material"}
VEHICLES = {"code": "vehicleList", "name": "车辆清单", "message": "请补充车辆清单", "kind": "material"}
COUNT = {"code": "vehicleCount", "name": "车辆数", "message": "车辆数与清单不符", "kind": "field"}


async def _returned_once_and_resubmitted(client, db, who) -> int:
    """Accepted, returned at review with ONE notice (the parking proof), supplemented."""
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision", json={"decision": "approve"},
                            headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    res = await client.post(f"{TASKS}/{(await task_of(db, app_id))['id']}/decision",
                            json={"decision": "return", "missing": [PARKING]}, headers=who["review"]["headers"])
    assert res.status_code == 200, res.text
    async with db.transaction():  # the applicant changes the vehicle count and resubmits
        await db.execute("UPDATE applications SET form = form || '{\"vehicleCount\": 6}' WHERE id = $1", app_id)
        app = await applications.lock(db, app_id)
        await applications.move(db, app, app["resume_status"], actor_id=who["applicant_id"], note="补正后重新提交",
                                data=None, notify_applicant=False)
    discard_after_commit(db)
    await client.get(TASKS, headers=who["review"]["headers"])
    return app_id


async def test_a_later_return_may_name_only_earlier_or_changed_items(client, db):
    who = await people(client, db)
    app_id = await _returned_once_and_resubmitted(client, db, who)
    task_id = (await task_of(db, app_id))["id"]
    res = await client.post(f"{TASKS}/{task_id}/decision", headers=who["review"]["headers"],
                            json={"decision": "return", "missing": [PARKING, VEHICLES]})
    assert res.status_code == 409 and res.json()["code"] == "gap_notice_new_items", res.text
    assert res.json()["items"] == ["车辆清单"] and res.json()["faq"] == "F096"
    # an approver's own "override" is not enough: it takes a lead
    res = await client.post(f"{TASKS}/{task_id}/decision", headers=who["review"]["headers"],
                            json={"decision": "return", "missing": [VEHICLES], "overrideReason": "漏告"})
    assert res.status_code == 403 and res.json()["code"] == "gap_override_lead_only", res.text
    # the parking proof again, and the field the applicant changed since: allowed, nothing flagged
    res = await client.post(f"{TASKS}/{task_id}/decision", headers=who["review"]["headers"],
                            json={"decision": "return", "missing": [PARKING, COUNT]})
    assert res.status_code == 200, res.text
    detail = (await client.get(f"{API}/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    assert detail["gapAdditions"] == [] and len(detail["gapNotice"]["gaps"]) == 2
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'gap_notice_added'") == 0


async def test_a_leads_override_with_a_reason_is_flagged_counted_and_told_with_the_way_to_complain(client, db):
    who = await people(client, db)
    lead = await staff(client, db, phone="13900001006", roles=["approver", "lead"], steps=["review"])
    app_id = await _returned_once_and_resubmitted(client, db, who)
    task_id = (await task_of(db, app_id))["id"]
    res = await client.post(f"{TASKS}/{task_id}/decision", headers=lead["headers"],
                            json={"decision": "return", "missing": [VEHICLES],
                                  "overrideReason": "新规要求补充车辆清单，前次告知遗漏"})
    assert res.status_code == 200, res.text
    detail = (await client.get(f"{API}/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    flag = detail["gapAdditions"]
    assert len(flag) == 1 and flag[0]["items"] == [{"code": "vehicleList", "name": "车辆清单"}]
    assert flag[0]["reason"] == "新规要求补充车辆清单，前次告知遗漏" and flag[0]["overrideBy"] == lead["user"]["id"]
    told = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'gap_notice_added' "
                             "AND channel = 'inapp'")
    assert told["user_id"] == who["applicant_id"] and told["params"]["items"] == "车辆清单"
    assert "投诉建议" in told["params"]["complain"]
    admin = await staff(client, db, phone="13900009101", roles=["admin"])
    figures = await client.get(f"{API}/stats/rights", params={"from": "2026-01-01", "to": "2026-12-31"},
                               headers=admin["headers"])
    assert figures.status_code == 200, figures.text
    assert figures.json()["gapNoticesAddedAfterNotice"] == 1
    refused = await client.get(f"{API}/stats/rights", params={"from": "2026-01-01", "to": "2026-12-31"},
                               headers=who["applicant"]["headers"])
    assert refused.status_code == 403
