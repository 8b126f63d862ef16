"""Approver tasks: how they appear, claims and decisions (sign-off), batches.

A service has any number of approval steps (``service_steps``); a case waits at one at a time, the
one after the last approved (``api.approvals.steps``). Approving a step moves the case's status as
``steps.status_after`` says and opens the next task; approving the last step issues the licences
and approves (``outcome.approve_final``). Tasks are created from the applications
themselves (``sync_tasks``, run before every queue read and by the deadline job), so a submission,
a supplemented case or a withdrawal needs no hook in the applications area.

Public functions other areas may call (each takes the request's ``conn``):
``sync_tasks(conn, now)``; ``list_tasks``; ``claim``; ``release``; ``decide(conn, user, task_id,
DecisionIn(...), now=...)``; ``decide_batch`` (``now``: the app's clock, ``api.clock.now(app.state)``). The task detail and its files are in ``detail``;
``refuse_own_case``, ``may_act`` and ``ACTING_ROLES`` in ``tasks`` and ``rules``.
"""

from __future__ import annotations

from pathlib import Path
import uuid
from datetime import date, datetime
from typing import Any

from api import clock
from api.applications import service as applications
from api.approvals.rules import MissingItemUnknown, TaskClaimed, TaskClosed, TaskWaitingExam
from api.approvals.schemas import BatchDecisionIn, BatchDecisionOut, DecisionIn, DecisionOut, Task, TaskOut, TaskPage
from api.approvals.service.letters import gap_notice_letter, refuse_with_letter
from api.approvals.service.outcome import approve_final
from api.approvals.service.tasks import (
    active_task_id,
    check_step,
    refuse_own_case,
    sign,
    task,
    task_out,
    task_row,
)
from api.approvals.steps import next_position, status_after, task_due
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.exams import service as exams
from api.agency.staff_view import with_agency
from api.identity.forms import with_persons

q = load_queries(Path(__file__).parents[1])


async def _open_task(conn: Any, app: Any, steps: list[Any], today: date) -> Any:
    position = next_position(len(steps), app["status"], app["last_approved"])
    step = steps[position - 1]
    waiting = position == len(steps) and await exams.waits_for_exam(conn, app["id"], app["service_code"])
    due = task_due(app["due_on"], clock_starts_on=app["clock_starts_on"], submitted_at=app["submitted_at"],
                   is_instant=app["is_instant"], today=today)
    return await q.insert_task(conn, application_id=app["id"], service_code=app["service_code"],
                               position=position, step=step["step"], role=step["role"], stage=app["status"],
                               status="waiting_exam" if waiting else "open", due_on=due)


async def sync_tasks(conn: Any, now: datetime) -> int:
    """Cancel tasks whose application moved on without them (closed at ``now``, the app's or the
    job's clock) and open the missing ones (due from ``now``'s day).
    Safe to run concurrently: the one-active-task index lets only one insert win."""
    await catalogue.load_workday_overrides(conn)
    today = clock.local_day(now)
    await q.cancel_stale_tasks(conn, at=now)
    steps: dict[str, list[Any]] = {}
    opened = 0
    for app in await rows(q.applications_without_task(conn)):
        code = app["service_code"]
        if code not in steps:
            steps[code] = await rows(q.steps_of_service(conn, service_code=code))
        if steps[code] and await _open_task(conn, app, steps[code], today) is not None:
            opened += 1
    return opened


async def list_tasks(conn: Any, user: AuthUser, *, step: str | None, service_code: str | None,
                     status: str | None, mine: bool, overdue: bool | None, cursor: str | None,
                     limit: int, now: datetime) -> TaskPage:
    today = clock.local_day(now)
    await sync_tasks(conn, now)
    steps = [step] if step else list(user.steps)
    if step and step not in user.steps and not user.has("admin"):
        steps = []
    rows_ = await rows(q.queue(conn, steps=steps, all_steps=user.has("admin") and step is None,
                               service_code=service_code, status=status, assignee_id=user.id if mine else None,
                               overdue=overdue, today=today, after=int(cursor or 0), lim=limit + 1))
    items = await with_agency(conn, await with_persons(conn, [task_out(r, user, today) for r in rows_[:limit]]))
    return TaskPage(items=items, next_cursor=str(items[-1].id) if len(rows_) > limit else None)


async def _take(conn: Any, user: AuthUser, task_id: int, now: datetime) -> Task:
    """Claim the task for ``user`` at ``now`` (a conditional update: one approver at a time)."""
    found = await task(conn, task_id)
    check_step(user, found)
    await refuse_own_case(conn, user, found.application_id)
    if found.status == "waiting_exam":
        raise TaskWaitingExam()
    if await q.claim(conn, id=task_id, user_id=user.id, at=now) is None:
        current = await task(conn, task_id)
        if current.status == "claimed":
            raise TaskClaimed(claimedBy=current.assignee_id)
        raise TaskClosed(currentStatus=current.status)
    return found


async def claim(conn: Any, user: AuthUser, task_id: int, *, now: datetime) -> TaskOut:
    await _take(conn, user, task_id, now)
    return task_out(await task_row(conn, task_id), user, clock.local_day(now))


async def release(conn: Any, user: AuthUser, task_id: int, *, now: datetime) -> TaskOut:
    found = await task(conn, task_id)
    if await q.release(conn, id=task_id, user_id=user.id) is None:
        raise TaskClaimed() if found.status == "claimed" else TaskClosed(currentStatus=found.status)
    return task_out(await task_row(conn, task_id), user, clock.local_day(now))


async def _gaps(conn: Any, app_id: int, service_code: str, data: DecisionIn) -> list[dict[str, str]]:
    """The complete list for ONE gap notice; names come from the application's own materials."""
    names = {m["material_code"]: m["name"] for m in await rows(q.materials(conn, application_id=app_id))}
    spec = await catalogue.get_spec(conn, service_code)
    names.update({f.code: f.label for f in spec.fields})
    gaps = []
    for item in data.missing:
        name = item.name or names.get(item.code)
        if name is None:
            raise MissingItemUnknown(item=item.code, field="missing")
        gaps.append({"code": item.code, "name": name, "message": item.message, "kind": item.kind})
    return gaps


async def decide(conn: Any, user: AuthUser, task_id: int, data: DecisionIn, *, now: datetime,
                 batch_id: str | None = None) -> DecisionOut:
    """The approver's decision at ``now``, the app's clock: it dates the status change, the due and
    task dates, the gap notice, the licences and the timeline."""
    task_ = await _take(conn, user, task_id, now)
    app = await applications.lock_case(conn, task_.application_id)
    if app.status != task_.stage:
        raise TaskClosed(currentStatus=app.status)
    trail = {"taskId": task_id, "step": task_.step, "decision": data.decision}
    last = task_.is_last_step
    licence_ids: list[int] = []
    notice_id = None
    if data.decision == "return":
        gaps = await _gaps(conn, app.id, app.service_code, data)
        notice = await applications.create_later_gap_notice(  # F096: a later notice names nothing new
            conn, app.id, gaps, actor_id=user.id, is_lead=user.has("lead"), override_reason=data.override_reason,
            now=now)
        notice_id = notice.id
        await gap_notice_letter(conn, app, notice)
    elif data.decision == "reject":
        await refuse_with_letter(conn, app, reason=data.reason, actor_id=user.id, data=trail, now=now)
    elif last:
        licence_ids = await approve_final(conn, app.id, actor_id=user.id,
                                          note=data.reason or f"{task_.step_name}：准予许可", data=trail, now=now)
    else:
        target = status_after(task_.position, app.status)
        if target is not None:  # a middle step of a longer service keeps the case in review
            await applications.transition(conn, app.id, target, actor_id=user.id,
                                          note=data.reason or f"{task_.step_name}：通过", data=trail, now=now)
        if task_.position + 1 == task_.step_count:
            await exams.start_exam(conn, app.id, now=now)  # does nothing for services without an exam
    if await q.finish_task(conn, id=task_id, user_id=user.id, decision=data.decision, at=now) is None:
        raise TaskClosed()
    signed = await sign(conn, task_, approver_id=user.id, decision=data.decision, reason=data.reason,
                        missing=data.missing, batch_id=batch_id)
    next_task = None
    if data.decision == "approve" and not last:
        await sync_tasks(conn, now)
        next_task = await active_task_id(conn, app.id)
    moved = await applications.lock_case(conn, app.id)
    return DecisionOut(id=signed["id"], task_id=task_id, application_id=app.id, step=task_.step,
                       decision=data.decision, reason=data.reason, approver_id=user.id,
                       decided_at=signed["decided_at"], chain_seq=signed["chain_seq"], chain_hash=signed["chain_hash"],
                       application_status=moved.status, next_task_id=next_task, licence_ids=licence_ids,
                       gap_notice_id=notice_id)


async def decide_batch(conn: Any, user: AuthUser, data: BatchDecisionIn, *, now: datetime) -> BatchDecisionOut:
    """Packaged approvals (e.g. a company's vehicle certificates): every item in the request's one
    transaction; the first failure rolls all of them back and names the item."""
    batch_id = str(uuid.uuid4())
    out = []
    for index, item in enumerate(data.items):
        single = DecisionIn(decision=item.decision, reason=item.reason, missing=item.missing)
        try:
            out.append(await decide(conn, user, item.task_id, single, now=now, batch_id=batch_id))
        except (Conflict, Forbidden, NotFound, Unprocessable) as exc:
            exc.extra.update(failedIndex=index, failedTaskId=item.task_id)
            raise
    return BatchDecisionOut(batch_id=batch_id, decisions=out)
