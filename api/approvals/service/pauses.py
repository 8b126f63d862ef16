"""An approver stops and restarts a case's clock from its task (FAQ F044, F053, F076, F106): an
on-site inspection (现场核查) or a technical assessment or reinforcement (技术评估/加固改造) does not
count against the promised time limit. The pause itself is the applications area's
(``start_pause``/``end_pause``); here the approver's right to act on the task is checked and, when
the clock runs again, the task's deadline moves by the same working days as the case's date."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from api import clock
from api.applications import service as applications
from api.applications.schemas_rights import CaseClockOut
from api.approvals.rules import TaskClosed
from api.approvals.schemas_rights import PauseIn
from api.approvals.service.tasks import acting_task
from api.auth.schemas import AuthUser
from api.db import load_queries
from api.workdays import add_workdays

q = load_queries(Path(__file__).parents[1], "pauses.sql")

APPROVER_KINDS = ("inspection", "assessment")


async def pause(conn: Any, user: AuthUser, task_id: int, data: PauseIn, now: datetime) -> CaseClockOut:
    task = await acting_task(conn, user, task_id)
    if task.status not in ("open", "claimed"):
        raise TaskClosed(currentStatus=task.status)
    await applications.start_pause(conn, task.application_id, data.kind, reason=data.reason, actor_id=user.id,
                                   now=now)
    return await applications.clock_of(conn, task.application_id, clock.local_day(now))


async def resume(conn: Any, user: AuthUser, task_id: int, now: datetime) -> CaseClockOut:
    task = await acting_task(conn, user, task_id)
    if task.status not in ("open", "claimed"):
        raise TaskClosed(currentStatus=task.status)
    ended = await applications.end_pause(conn, task.application_id, actor_id=user.id, kinds=APPROVER_KINDS, now=now)
    row = await q.task_due(conn, id=task_id)
    if ended.workdays and row["due_on"] is not None:
        await q.move_task_due(conn, application_id=task.application_id,
                              due_on=add_workdays(row["due_on"], ended.workdays))
    return await applications.clock_of(conn, task.application_id, clock.local_day(now))
