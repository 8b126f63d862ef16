"""FAQ F071: after a 一类/二类 repair filing the bureau checks the site within 30 days, agrees the time
with the company, records the result; a failure gives ONE rectification notice naming every item.
Class-3 filings get no scheduled check; other companies never see a check (404)."""

from __future__ import annotations

from datetime import timedelta

from api.clock import ZONE
from tests.approvals.helpers import REPAIR_FORM, approved_repair_filing
from tests.clock import use_clock
from tests.factories import applicant, staff

API = "/api/v1"
FORM = REPAIR_FORM


async def test_a_class_1_2_filing_is_checked_within_30_days_pass_or_one_complete_notice(client, db):
    company = await applicant(client, "shunfeng")
    other = await applicant(client, "other-shop")
    decider = await staff(client, db, phone="13900002001", roles=["approver"], steps=["decide"])
    lead = await staff(client, db, phone="13900002002", roles=["approver", "lead"], steps=["decide"])
    first = await approved_repair_filing(client, db, company, decider, "class1")
    second = await approved_repair_filing(client, db, company, decider, "class2")
    third = await approved_repair_filing(client, db, company, decider, "class3")  # 三类: spot checks, none scheduled

    decided = (await db.fetchval("SELECT decided_at FROM applications WHERE id = $1", first)).astimezone(ZONE)
    due = decided.date() + timedelta(days=30)
    use_clock(client, decided + timedelta(hours=1))
    listed = await client.get(f"{API}/site-checks", headers=lead["headers"])
    assert listed.status_code == 200, listed.text
    checks = {c["applicationId"]: c for c in listed.json()}
    assert set(checks) == {first, second}
    assert checks[first]["dueOn"] == due.isoformat() and checks[first]["category"] == "class1"
    assert checks[first]["overdue"] is False and checks[first]["status"] == "scheduled"
    assert checks[first]["companyName"] == FORM["companyName"]
    assert (await client.get(f"{API}/site-checks", headers=company["headers"])).status_code == 403

    # the company sees its own filing's check; another company gets 404
    mine = await client.get(f"{API}/applications/{first}/site-checks", headers=company["headers"])
    assert mine.status_code == 200 and [c["dueOn"] for c in mine.json()] == [due.isoformat()]
    assert (await client.get(f"{API}/applications/{third}/site-checks", headers=company["headers"])).json() == []
    assert (await client.get(f"{API}/applications/{first}/site-checks", headers=other["headers"])).status_code == 404

    # agree the time (within the 30 days); the company is told
    check_id = checks[first]["id"]
    early = await client.post(f"{API}/site-checks/{check_id}/result", json={"result": "pass"},
                              headers=decider["headers"])
    assert early.status_code == 409 and early.json()["code"] == "site_visit_not_agreed"
    past = (decided - timedelta(days=1)).isoformat()
    res = await client.post(f"{API}/site-checks/{check_id}/visit", json={"visitAt": past, "address": "车站大道8号"},
                            headers=decider["headers"])
    assert res.status_code == 422 and res.json()["code"] == "site_visit_in_past"
    visit = (decided + timedelta(days=10)).replace(hour=10, minute=0, second=0, microsecond=0)
    res = await client.post(f"{API}/site-checks/{check_id}/visit",
                            json={"visitAt": visit.isoformat(), "address": FORM["siteAddress"]},
                            headers=decider["headers"])
    assert res.status_code == 200 and res.json()["status"] == "agreed", res.text
    told = await db.fetchrow("SELECT user_id, params FROM notifications WHERE event = 'site_visit_agreed' "
                             "AND channel = 'inapp'")
    assert told["user_id"] == company["user"]["id"] and told["params"]["visitAt"] == visit.strftime("%Y-%m-%d %H:%M")

    # a fail needs every item, and sends ONE notice with all of them; a second is refused
    url = f"{API}/site-checks/{check_id}/result"
    res = await client.post(url, json={"result": "fail", "items": []}, headers=decider["headers"])
    assert res.status_code == 422 and res.json()["code"] == "rectification_items_required"
    items = [{"item": "举升机数量少于备案（备案4台，现场2台）", "requirement": "补足至4台"},
             {"item": "质量检验员未到岗", "requirement": "配备持证质量检验员"},
             {"item": "环保设施未配备废油收集装置"}]
    res = await client.post(url, json={"result": "fail", "items": items, "note": "与备案不符"},
                            headers=decider["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "failed" and [i["item"] for i in body["rectificationItems"]] == [i["item"] for i in items]
    assert body["noticeSentAt"] is not None
    again = await client.post(url, json={"result": "fail", "items": items[:1]}, headers=lead["headers"])
    assert again.status_code == 409 and again.json()["code"] == "site_check_result_recorded"
    notices = await db.fetch("SELECT user_id, params FROM notifications WHERE event = 'site_check_rectification' "
                             "AND channel = 'inapp'")
    assert len(notices) == 1 and notices[0]["user_id"] == company["user"]["id"]
    assert notices[0]["params"]["count"] == 3 and all(i["item"] in notices[0]["params"]["items"] for i in items)
    seen = (await client.get(f"{API}/applications/{first}/site-checks", headers=company["headers"])).json()[0]
    assert seen["status"] == "failed" and len(seen["rectificationItems"]) == 3

    # the other check: overdue once its 30 days have passed, listed first; then passed
    use_clock(client, decided + timedelta(days=31))
    listed = (await client.get(f"{API}/site-checks", headers=lead["headers"])).json()
    assert [(c["applicationId"], c["overdue"]) for c in listed] == [(second, True)]
    other_id = listed[0]["id"]
    visit = (decided + timedelta(days=32)).isoformat()
    res = await client.post(f"{API}/site-checks/{other_id}/visit", json={"visitAt": visit, "address": "车站大道8号"},
                            headers=lead["headers"])
    assert res.status_code == 200, res.text
    res = await client.post(f"{API}/site-checks/{other_id}/result", json={"result": "pass"}, headers=lead["headers"])
    assert res.status_code == 200 and res.json()["status"] == "passed" and res.json()["overdue"] is False
    assert (await client.get(f"{API}/site-checks", headers=lead["headers"])).json() == []
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'site_check_passed' "
                             "AND channel = 'inapp'") == 1
