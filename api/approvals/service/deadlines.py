"""Task deadlines: a reminder when one working day is left, an escalation to the step's lead
when overdue; each sent once (a conditional update marks it, a dedupe key guards the outbox)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import notify
from api import clock
from api.approvals.service import decisions as tasks
from api.approvals.rules import acting_roles
from api.catalogue import service as catalogue
from api.db import load_queries
from api.workdays import add_workdays, workdays_between

q = load_queries(Path(__file__).parents[1])


async def _tell(conn: Any, user_ids: list[int], event: str, task: Any) -> None:
    # the step and the case number say enough in WeChat's 20 characters
    await notify.tell_staff(conn, user_ids, event=event, key=f"{event}:{task['id']}", subject=("approval_task", task["id"]),
                            title=f"{task['step_name']}{task['public_no'] or ''}", due_on=task["due_on"],
                            publicNo=task["public_no"], serviceName=task["service_name"])


async def run_deadlines(conn: Any, now: datetime, today: date | None = None) -> dict[str, int]:
    """Returns how many tasks were reminded and escalated on ``today`` (``now``'s day unless a test
    names another), stamped at ``now``: the job's clock."""
    await catalogue.load_workday_overrides(conn)
    today = today or clock.local_day(now)
    await tasks.sync_tasks(conn, now)
    reminded = escalated = 0
    for task in [r async for r in q.due_tasks(conn, until=add_workdays(today, 1))]:
        if task["due_on"] < today:
            if task["escalated_at"] is None and await q.mark_escalated(conn, id=task["id"], at=now) is not None:
                leads = [r["id"] async for r in q.recipients(conn, step=task["step"], roles=["lead"])]
                await _tell(conn, leads, "task_overdue", task)
                escalated += 1
        elif workdays_between(today, task["due_on"]) <= 1 and task["reminded_at"] is None:
            if await q.mark_reminded(conn, id=task["id"], at=now) is not None:
                roles = acting_roles(task["role"])
                who = [task["assignee_id"]] if task["assignee_id"] else \
                    [r["id"] async for r in q.recipients(conn, step=task["step"], roles=roles)]
                await _tell(conn, who, "task_due_soon", task)
                reminded += 1
    return {"reminded": reminded, "escalated": escalated}
