"""Which staff may read a whole case (form, materials, ID numbers) outside their task queue.

A bureau shows a case to the people working on it, not to every staff account: an approver reads
a case that is or was at a step they hold (``AuthUser.steps``) or that they acted on (a task they
held, a decision they signed, an event of its timeline); leads and admins read every case.
Help-desk agents read only the public progress page (no materials, no ID numbers).

Public function (the applications area calls it for ``GET /applications/{id}`` and its files):
``await may_read_case(conn, user, app) -> bool`` with ``app`` an ``applications`` row.
"""

from __future__ import annotations

from typing import Any

from api.approvals.service import STAGES
from api.auth.schemas import AuthUser
from api.db import load_queries

q = load_queries(__file__)

READ_ALL_ROLES = ("admin", "lead")


async def current_step(conn: Any, app: Any) -> str | None:
    """The step a case waits at now, from its status (tasks are opened lazily, so a case just
    submitted may not have its task row yet)."""
    if app["status"] not in STAGES:
        return None
    steps = [r async for r in q.steps_of_service(conn, service_code=app["service_code"])]
    if not steps:
        return None
    return steps[min(STAGES.index(app["status"]) + 1, len(steps)) - 1]["step"]


async def may_read_case(conn: Any, user: AuthUser, app: Any) -> bool:
    if user.has(*READ_ALL_ROLES):
        return True
    if not user.has("approver"):
        return False
    if user.steps and await current_step(conn, app) in user.steps:
        return True
    return bool(await q.case_reached_by(conn, application_id=app["id"], user_id=user.id, steps=list(user.steps)))
