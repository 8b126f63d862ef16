"""The queue's dates on the case's paused clock (F106): each listed case's expected finish date and
overdue flag come from ``applications.clock_of`` — the same function the task page shows as
"预计办结日期" — so the list and the detail never disagree about a paused case."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from api.applications import service as applications
from api.approvals.steps import workdays_left


class ConsoleQueueClock(msgspec.Struct, frozen=True):
    """One case's clock as the queue shows it."""

    due_on: date
    paused: bool
    paused_workdays: int
    overdue: bool
    workdays_left: int


async def of_tasks(conn: Any, tasks: list[Any], today: date) -> dict[int, ConsoleQueueClock]:
    """By application id, for the listed tasks whose case has an expected finish date."""
    clocks: dict[int, ConsoleQueueClock] = {}
    for app_id in dict.fromkeys(t.application_id for t in tasks):
        found = await applications.clock_of(conn, app_id, today)
        if found.due_on is None:
            continue
        left = workdays_left(found.due_on, today) or 0
        clocks[app_id] = ConsoleQueueClock(due_on=found.due_on, paused=found.paused,
                                           paused_workdays=found.paused_workdays,
                                           overdue=found.due_on < today, workdays_left=left)
    return clocks
