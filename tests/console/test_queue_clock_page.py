"""The console's queue shows each case's date on the paused clock (F106) — the same expected finish
date and overdue flag as the task page, not the raw due date."""

from __future__ import annotations

import re

from tests.approvals.helpers import people, submitted, task_of
from tests.clock import use_clock
from tests.console.helpers import post, sign_in


def _row(html: str, task_id: int) -> str:
    found = re.search(rf'<li data-task="{task_id}">(.*?)</li>', html, re.S)
    assert found, html
    return found.group(1)


async def test_the_queue_shows_the_paused_clock_like_the_task_page(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get("/api/v1/tasks", headers=who["accept"]["headers"])
    res = await client.post(f"/api/v1/tasks/{(await task_of(db, app_id))['id']}/decision",
                            json={"decision": "approve"}, headers=who["accept"]["headers"])
    assert res.status_code == 200, res.text
    task = await task_of(db, app_id)
    await db.execute("UPDATE applications SET due_on = '2026-03-12' WHERE id = $1", app_id)  # a Thursday
    await db.execute("UPDATE approval_tasks SET due_on = '2026-03-11' WHERE id = $1", task["id"])  # the step's own
    await sign_in(client, "13900001003")  # the review step's approver
    use_clock(client, "2026-03-10 10:00")
    row = _row((await client.get("/console/tasks")).text, task["id"])
    assert "剩 2 个工作日 · 2026-03-12 到期" in row, row
    paused = await post(client, f"/console/tasks/{task['id']}/pause", {"kind": "inspection", "reason": "现场核查停车场"})
    assert paused.status_code == 200, paused.text

    use_clock(client, "2026-03-17 10:00")  # five working days into the pause: the raw date has passed
    row = _row((await client.get("/console/tasks")).text, task["id"])
    detail = (await client.get(f"/console/tasks/{task['id']}")).text
    assert "预计办结日期：2026-03-19" in detail
    assert "暂停计时中 · 预计 2026-03-19 办结" in row and "已暂停 5 个工作日" in row, row
    assert "已超期" not in row and "2026-03-12" not in row

    resumed = await post(client, f"/console/tasks/{task['id']}/resume")
    assert resumed.status_code == 200 and "预计办结日期 2026-03-19" in resumed.text, resumed.text
    use_clock(client, "2026-03-20 10:00")  # past the paused clock's date: overdue, in the list and the detail
    row = _row((await client.get("/console/tasks")).text, task["id"])
    assert "已超期 · 应于 2026-03-19 前办结" in row, row
    assert "预计办结日期：2026-03-19" in (await client.get(f"/console/tasks/{task['id']}")).text
