"""Sign-off that can be checked (`zsb verify-audit`) and the deadline job."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date, timedelta

from api.workdays import add_workdays
from jobs.approvals import remind_approval_deadlines
from tests.approvals.helpers import TASKS, decided_case, people, submitted, task_of
from tests.conftest import JWT_SECRET


async def verify_audit(settings) -> tuple[int, str]:
    """Run the real command, as an operator would."""
    env = {**os.environ, "ZSB_DATABASE_URL": settings.database_url, "ZSB_REDIS_URL": settings.redis_url,
           "ZSB_JWT_SECRET": JWT_SECRET, "ZSB_ENV": "test"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "api.cli", "verify-audit", env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()


async def test_verify_audit_passes_an_untouched_timeline_and_names_a_hand_edited_row(client, db, settings):
    app_id, _ = await decided_case(client, db)
    other = await submitted(db, (await db.fetchval("SELECT id FROM users WHERE openid IS NOT NULL LIMIT 1")))
    code, out = await verify_audit(settings)
    assert code == 0, out
    public_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)
    async with db.transaction():  # what someone with database access might do
        await db.execute("ALTER TABLE application_events DISABLE TRIGGER application_events_append_only")
        await db.execute("UPDATE application_events SET note = '不予许可' WHERE id = "
                         "(SELECT min(id) FROM application_events WHERE application_id = $1 AND to_status = 'approved')",
                         app_id)
        await db.execute("ALTER TABLE application_events ENABLE TRIGGER application_events_append_only")
    code, out = await verify_audit(settings)
    assert code != 0
    assert f"application {app_id} ({public_no}): event_altered" in out
    assert f"application {other} " not in out


async def test_verify_audit_finds_a_deleted_timeline_row(client, db, settings):
    app_id, _ = await decided_case(client, db)
    async with db.transaction():
        await db.execute("ALTER TABLE application_events DISABLE TRIGGER application_events_append_only")
        await db.execute("DELETE FROM application_events WHERE id = (SELECT min(id) FROM application_events "
                         "WHERE application_id = $1 AND to_status = 'accepted')", app_id)
        await db.execute("ALTER TABLE application_events ENABLE TRIGGER application_events_append_only")
    code, out = await verify_audit(settings)
    assert code != 0 and f"application {app_id}" in out and "event_deleted" in out


async def test_deadlines_remind_once_with_one_working_day_left_and_escalate_overdue_to_the_lead(client, db, settings):
    from api.db import create_pool

    who = await people(client, db)
    soon = await submitted(db, who["applicant_id"])
    late = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])  # tasks exist
    today = date(2026, 3, 10)  # a Tuesday
    await db.execute("UPDATE approval_tasks SET due_on = $2 WHERE application_id = $1", soon, add_workdays(today, 1))
    await db.execute("UPDATE approval_tasks SET due_on = $2, step = 'decide', role = 'lead' "
                     "WHERE application_id = $1", late, today - timedelta(days=1))
    res = await client.post(f"{TASKS}/{(await task_of(db, soon))['id']}/claim", headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        first = await remind_approval_deadlines({"pool": pool, "today": today})
        again = await remind_approval_deadlines({"pool": pool, "today": today})
    finally:
        await pool.close()
    assert first == {"reminded": 1, "escalated": 1} and again == {"reminded": 0, "escalated": 0}
    due_soon = await db.fetch("SELECT user_id, channel FROM notifications WHERE event = 'task_due_soon'")
    assert {r["user_id"] for r in due_soon} == {who["accept"]["user"]["id"]}  # the one who claimed it
    overdue = await db.fetch("SELECT user_id, channel FROM notifications WHERE event = 'task_overdue'")
    leads = {r["id"] for r in await db.fetch("SELECT id FROM users WHERE 'lead' = ANY(roles) AND 'decide' = ANY(steps)")}
    assert who["lead"]["user"]["id"] in leads and {r["user_id"] for r in overdue} == leads
    assert {r["channel"] for r in overdue} == {"inapp", "sms"}  # in-app plus SMS (no WeChat authorisation)
    listed = (await client.get(TASKS, params={"overdue": "true"}, headers=who["lead"]["headers"])).json()["items"]
    assert [i["applicationId"] for i in listed] == [late] and listed[0]["overdue"] is True
