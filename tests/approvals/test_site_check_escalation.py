"""FAQ F071: a repair filing's on-site check is due within 30 days; one not done by then is
escalated once to the leads (the escalation job beside re-reviews and 催办); a second run sends
nothing, and a check done in time is never escalated."""

from __future__ import annotations

from datetime import timedelta

from arq import create_pool

from api.clock import ZONE
from jobs import redis_settings
from tests.approvals.helpers import REPAIR_FORM, approved_repair_filing
from tests.clock import Clock
from tests.factories import applicant, run_jobs, staff

API = "/api/v1"
FORM = REPAIR_FORM


async def _run(settings, clock: Clock) -> dict[str, int]:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        job = await arq.enqueue_job("escalate_overdue_answers")
        await run_jobs(settings, clock=clock)
        return await job.result(timeout=5)
    finally:
        await arq.aclose()


async def test_an_overdue_site_check_is_escalated_to_the_leads_once(client, db, settings):
    company = await applicant(client, "shunfeng")
    decider = await staff(client, db, phone="13900002101", roles=["approver"], steps=["decide"])
    lead = await staff(client, db, phone="13900002102", roles=["approver", "lead"], steps=["decide"])
    late = await approved_repair_filing(client, db, company, decider, "class1")
    done = await approved_repair_filing(client, db, company, decider, "class2")
    decided = (await db.fetchval("SELECT decided_at FROM applications WHERE id = $1", late)).astimezone(ZONE)
    due = decided.date() + timedelta(days=30)

    # the second check is done within its 30 days
    checks = {c["applicationId"]: c for c in (await client.get(f"{API}/site-checks", headers=lead["headers"])).json()}
    visit = (decided + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    res = await client.post(f"{API}/site-checks/{checks[done]['id']}/visit",
                            json={"visitAt": visit.isoformat(), "address": FORM["siteAddress"]},
                            headers=decider["headers"])
    assert res.status_code == 200, res.text
    res = await client.post(f"{API}/site-checks/{checks[done]['id']}/result", json={"result": "pass"},
                            headers=decider["headers"])
    assert res.status_code == 200, res.text

    clock = Clock(decided.replace(hour=9, minute=0) + timedelta(days=30))  # the due day itself: not yet
    assert (await _run(settings, clock))["siteChecks"] == 0
    clock.advance(days=1)
    assert (await _run(settings, clock))["siteChecks"] == 1
    clock.advance(days=1)
    assert (await _run(settings, clock))["siteChecks"] == 0  # once per check

    told = await db.fetch("SELECT user_id, params FROM notifications WHERE event = 'task_overdue' "
                          "AND dedupe_key LIKE 'site_check_overdue:%' AND channel = 'inapp'")
    leads = {r["id"] for r in await db.fetch("SELECT id FROM users WHERE 'lead' = ANY(roles) "
                                             "AND 'decide' = ANY(steps)")}
    assert lead["user"]["id"] in {r["user_id"] for r in told} and {r["user_id"] for r in told} <= leads
    assert len(told) == len(leads) and decider["user"]["id"] not in leads
    assert told[0]["params"]["dueDate"] == due.isoformat() and told[0]["params"]["taskTitle"].startswith("现场核查")
    listed = (await client.get(f"{API}/site-checks", headers=lead["headers"])).json()
    assert [(c["applicationId"], c["escalated"]) for c in listed] == [(late, True)]
