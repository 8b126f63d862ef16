"""F071 in the console: the open on-site checks, overdue (and escalated) first — as GET /site-checks
lists them — agreeing the visit and recording a fail with the one complete rectification notice."""

from __future__ import annotations

import re
from datetime import timedelta

from arq import create_pool

from api import clock
from jobs import redis_settings
from tests.approvals.helpers import REPAIR_FORM, approved_repair_filing
from tests.console.helpers import post, sign_in
from tests.factories import applicant, run_jobs, staff

API = "/api/v1"
FORM = REPAIR_FORM


async def test_the_console_lists_overdue_checks_first_and_records_one_complete_notice(client, db, settings):
    company = await applicant(client, "shunfeng")
    decider = await staff(client, db, phone="13900002201", roles=["approver"], steps=["decide"])
    on_time = await approved_repair_filing(client, db, company, decider, "class1")
    late = await approved_repair_filing(client, db, company, decider, "class2")
    today = clock.today()
    await db.execute("UPDATE site_checks SET due_on = $2 WHERE application_id = $1", late, today - timedelta(days=1))
    listed = (await client.get(f"{API}/site-checks", headers=decider["headers"])).json()  # also schedules them
    assert [(c["applicationId"], c["overdue"]) for c in listed] == [(late, True), (on_time, False)]
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:  # the escalation job: the overdue check's leads told, the check marked
        job = await arq.enqueue_job("escalate_overdue_answers")
        await run_jobs(settings, today=today)
        assert (await job.result(timeout=5))["siteChecks"] == 1
    finally:
        await arq.aclose()

    await sign_in(client, "13900002201")
    page = await client.get("/console/site-checks")
    assert page.status_code == 200 and "现场核查" in page.text
    ids = [int(i) for i in re.findall(r'data-site-check="(\d+)"', page.text)]
    assert ids == [c["id"] for c in listed]  # the same order as the API: overdue first
    first = page.text[page.text.index(f'data-site-check="{ids[0]}"'):page.text.index(f'data-site-check="{ids[1]}"')]
    assert "已超期" in first and "已提醒负责人" in first
    assert "已超期" not in page.text[page.text.index(f'data-site-check="{ids[1]}"'):]

    visit = (today + timedelta(days=2)).isoformat() + "T10:00"
    agreed = await post(client, f"/console/site-checks/{ids[0]}/visit",
                        {"visit_at": visit, "address": FORM["siteAddress"]})
    assert agreed.status_code == 200 and "已约定上门时间" in agreed.text and "记录结果" in agreed.text, agreed.text
    empty = await post(client, f"/console/site-checks/{ids[0]}/result", {"result": "fail", "items": ""})
    assert empty.status_code == 422 and "一次性" in empty.text, empty.text
    failed = await post(client, f"/console/site-checks/{ids[0]}/result",
                        {"result": "fail", "items": "举升机数量少于备案：补足至4台\n质量检验员未到岗", "note": "与备案不符"})
    assert failed.status_code == 200 and "已一次性告知企业 2 项整改事项" in failed.text, failed.text
    assert "补足至4台" in failed.text
    again = await post(client, f"/console/site-checks/{ids[0]}/result", {"result": "pass"})
    assert again.status_code == 409
    notices = await db.fetch("SELECT params FROM notifications WHERE event = 'site_check_rectification' "
                             "AND channel = 'inapp'")
    assert len(notices) == 1 and notices[0]["params"]["count"] == 2
