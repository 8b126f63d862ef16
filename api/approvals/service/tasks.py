"""Task rows: reading one, who may act on it, the own-case rule, the sign-off, the step a case
waits at. Other areas build on these (exams finish a waiting task and sign it; licences and the
console ask ``refuse_own_case``); this module imports no other area's services.

Public: ``task(conn, id) -> Task``; ``acting_task(conn, user, id) -> Task`` (the task, checked for
the caller's step and own case); ``check_step(user, task)``; ``refuse_own_case(conn, user, app_id)``;
``finish_exam_task(conn, task_id, user_id) -> bool``; ``cancel_exam_task(conn, app_id)``; ``sign(conn, task, ...)``;
``active_task_id(conn, app_id)``; ``current_step(conn, app_id, service_code, status)``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec

from api.approvals.rules import OwnCase, StepNotYours, TaskNotFound, may_act
from api.approvals.schemas import Task, TaskOut
from api.approvals.steps import WAITING, next_position, workdays_left
from api.clock import local_day
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.types import mask_name
from api.workdays import add_workdays, workdays_between

q = load_queries(Path(__file__).parents[1])


async def task_row(conn: Any, task_id: int) -> Any:
    """The task's row with its case's and service's columns (the approvals area's own reads)."""
    row = await q.get_task(conn, id=task_id)
    if row is None:
        raise TaskNotFound()
    return row


async def task(conn: Any, task_id: int) -> Task:
    return msgspec.convert(dict(await task_row(conn, task_id)), Task)


def check_step(user: AuthUser, task: Task) -> None:
    """Refuse a task of a step ``user`` does not hold."""
    if not may_act(user, task.step, task.role):
        raise StepNotYours(step=task.step)


async def refuse_own_case(conn: Any, user: AuthUser, application_id: int) -> None:
    """The one rule every acting path asks (claim, decision, batch, exam result and slot, shipping and
    hand-over, and the console through them): staff never act on a case they applied for. The
    database decides who is "they" (``staff_own_case``, migration 0132: same account, phone, ID
    number or credit code), so the rule holds however staff and citizen accounts are modelled, and
    its triggers refuse the write if a path ever skips this check."""
    if await q.own_case(conn, staff_id=user.id, application_id=application_id):
        raise OwnCase(applicationId=application_id)


async def acting_task(conn: Any, user: AuthUser, task_id: int) -> Task:
    """The task ``user`` is about to act on: at a step they hold, never on their own case."""
    found = await task(conn, task_id)
    check_step(user, found)
    await refuse_own_case(conn, user, found.application_id)
    return found


async def finish_exam_task(conn: Any, task_id: int, user_id: int, now: datetime) -> bool:
    """The task waiting for an exam is done (approved) at ``now`` once every subject passed."""
    return await q.finish_exam_task(conn, id=task_id, user_id=user_id, at=now) is not None


async def cancel_exam_task(conn: Any, application_id: int, now: datetime) -> int | None:
    """The case's exam year is over (F123): the task that waited for a result is cancelled at
    ``now``, without an approver or a decision. Returns its id (None: there was none)."""
    row = await q.cancel_exam_task(conn, application_id=application_id, at=now)
    return row["id"] if row else None


async def sign(conn: Any, task: Task, *, approver_id: int, decision: str, reason: str | None,
               missing: list[Any] | None = None, batch_id: str | None = None) -> Any:
    """The sign-off: approver, time, and the head of the application's audit chain after the
    decision's timeline events (checked by ``zsb verify-audit``)."""
    head = await q.chain_head(conn, application_id=task.application_id)
    return await q.insert_decision(conn, task_id=task.id, application_id=task.application_id,
                                   step=task.step, decision=decision, reason=reason,
                                   missing=msgspec.to_builtins(missing or []), approver_id=approver_id,
                                   batch_id=batch_id, chain_seq=head["seq"], chain_hash=head["hash"])


async def active_task_id(conn: Any, application_id: int) -> int | None:
    return await q.active_task_id(conn, application_id=application_id)


async def steps_of(conn: Any, service_code: str) -> list[Any]:
    return await rows(q.steps_of_service(conn, service_code=service_code))


async def current_step(conn: Any, application_id: int, service_code: str, status: str) -> str | None:
    """The step a case waits at now (tasks are opened lazily, so a case just submitted may not
    have its task row yet): the one after the last approved."""
    if status not in WAITING:
        return None
    steps = await steps_of(conn, service_code)
    if not steps:
        return None
    last = await q.last_approved_position(conn, application_id=application_id)
    return steps[next_position(len(steps), status, last) - 1]["step"]


def _applicant(row: Any) -> str | None:
    # Companies are public parties; a person's name is masked for everyone but the case detail.
    form = row["form"] or {}
    company = row["enterprise_name"] or row["applicant_company"] or form.get("companyName")
    if company:
        return company
    return mask_name(row["applicant_name"] or form.get("applicantName") or form.get("ownerName"))


def task_out(row: Any, user: AuthUser, today: date) -> TaskOut:
    due = row["due_on"]
    if due is not None and row["paused_since"] is not None:  # the clock stands still (F106), so does the deadline
        since = local_day(row["paused_since"])
        due = add_workdays(due, workdays_between(since, max(today, since)))
    left = workdays_left(due, today) if row["status"] != "waiting_exam" else None
    return TaskOut(id=row["id"], application_id=row["application_id"], public_no=row["public_no"],
                   service_code=row["service_code"], service_name=row["service_name"], step=row["step"],
                   step_name=row["step_name"], status=row["status"], applicant=_applicant(row),
                   submitted_at=row["submitted_at"], due_on=due, workdays_left=left,
                   overdue=left is not None and due < today, claimed_by_me=row["assignee_id"] == user.id,
                   assignee_id=row["assignee_id"], review_all_passed=row["review_all_passed"],
                   manual_reason=row["manual_reason"], subject_kind="enterprise" if row["enterprise_name"] else "person",
                   subject_credit_code=row["enterprise_credit_code"], acted_as=row["acted_as"],
                   acted_by=mask_name(row["acted_by_name"] or row["applicant_name"]))
