"""The authorisation letter of a 代办 case (F093), read by the approvers of its task's step (and admins)
through the task routes of the API and the console (issue 20)."""

from __future__ import annotations

from typing import Any

from api.approvals import service as approvals
from api.approvals.rules import StepNotYours, TaskNotFound, may_act
from api.auth.schemas import AuthUser
from api.db import load_queries

q = load_queries(__file__)


async def letter(conn: Any, user: AuthUser, task_id: int, storage: Any) -> tuple[Any, str]:
    """The authorisation letter of a task's 代办 case, for the approvers of its step (and admins)."""
    task = await approvals.task_row(conn, task_id)
    if not (may_act(user, task["step"], task["role"]) or user.has("admin")):
        raise StepNotYours(step=task["step"])
    row = await q.letter_of_case(conn, application_id=task["application_id"])
    if row is None or row["letter_key"] is None:
        raise TaskNotFound("该办件没有授权委托书")
    await q.record_letter_seen(conn, application_id=task["application_id"], viewer_id=user.id, task_id=task_id)
    return storage.read(row["letter_key"]), row["letter_type"]
