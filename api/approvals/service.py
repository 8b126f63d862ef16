"""Approver tasks: how they appear, who may act on them, claims and decisions (sign-off).

An application waits at one step at a time. The service's steps (``service_steps``) map onto the
application's statuses in order: step 1 acts on ``submitted``, step 2 on ``accepted``, step 3 on
``in_review`` (a service with fewer steps ends earlier; its last step also acts on any later
status). Approving a step moves the application to the next status and opens the next task;
approving the last step issues the licences and approves. Tasks are created from the
applications themselves (``sync_tasks``, run before every queue read and by the deadline job),
so a submission, a supplemented case or a withdrawal needs no hook in the applications area.

Public functions other areas may call (each takes the request's ``conn``):
``sync_tasks(conn)``; ``decide(conn, user, task_id, DecisionIn(...))``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from api.applications import service as applications, service_review
from api.approvals import service_fulfilment as fulfilment
from api.approvals.schemas import (
    BatchDecisionIn,
    BatchDecisionOut,
    DecisionIn,
    DecisionOut,
    MaterialOut,
    SituationAnswer,
    TaskDetail,
    TaskOut,
    TaskPage,
    TaskPageOut,
    TimelineEntry,
)
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.types import mask_name
from api.workdays import add_workdays, is_workday, workdays_between

q = load_queries(__file__)

STAGES = ("submitted", "accepted", "in_review")
ACTIVE = ("open", "claimed", "waiting_exam")
# A promised matter is accepted (受理) within one working day of submission; an instant one is
# decided on the day it is submitted, or the next working day when submitted outside them
# (FAQ F034, F044: "非工作时间提交的顺延到下一个工作日"). After acceptance the application's own
# promised date (due_on, counted from the day after acceptance, F106) is every step's deadline.
ACCEPT_WORKDAYS = 1
# Roles that may act on a step of each role (a lead is also an approver).
ACTING_ROLES = {"approver": ("approver", "lead"), "lead": ("lead",), "admin": ("admin",)}


class TaskNotFound(NotFound):
    """没有找到该待办。"""

    code = "task_not_found"


class TaskClaimed(Conflict):
    """该待办已由其他审批人员认领。"""

    code = "task_claimed"


class TaskClosed(Conflict):
    """该待办已处理完毕或已撤销。"""

    code = "task_closed"


class TaskWaitingExam(Conflict):
    """该待办正在等待考试结果，不能作出决定。"""

    code = "task_waiting_exam"


class StepNotYours(Forbidden):
    """您没有该审批环节的权限。"""

    code = "step_not_yours"


class MissingItemUnknown(Unprocessable):
    """需补正的材料不属于该办件，请填写名称。"""

    code = "missing_item_unknown"


class OwnCase(Forbidden):
    """这是您本人（或您的企业）申请的办件，不能由您认领、审批或寄送，请交由其他工作人员办理。"""

    code = "own_case"


async def refuse_own_case(conn: Any, user: AuthUser, application_id: int) -> None:
    """The one rule every acting path asks (claim, decision, batch, exam result and slot, shipping and
    hand-over, and the console through them): staff never act on a case they applied for. The
    database decides who is "they" (``staff_own_case``, migration 0064: same account, phone, ID
    number or credit code), so the rule holds however staff and citizen accounts are modelled, and
    its triggers refuse the write if a path ever skips this check."""
    if await q.own_case(conn, staff_id=user.id, application_id=application_id):
        raise OwnCase(applicationId=application_id)



def may_act(user: AuthUser, step: str, role: str) -> bool:
    """An approver acts on a step they hold (users.steps) with the role the step needs."""
    return step in user.steps and user.has(*ACTING_ROLES.get(role, (role,)))


def _shanghai_day(moment: datetime | None, fallback: date) -> date:
    return moment.astimezone(catalogue.SHANGHAI).date() if moment else fallback


def task_due(app: Any, today: date) -> date | None:
    if app["due_on"] is not None:
        return app["due_on"]
    # F138: a case submitted outside office hours starts its clock on the next working day
    # (clock_starts_on, kept by the applications area); older rows fall back to the submission day.
    submitted = app["clock_starts_on"] or _shanghai_day(app["submitted_at"], today)
    if app["is_instant"]:
        return submitted if is_workday(submitted) else add_workdays(submitted, 1)
    return add_workdays(submitted, ACCEPT_WORKDAYS)


def workdays_left(due_on: date | None, today: date) -> int | None:
    """Working days left until the end of ``due_on`` (0: due today; negative: overdue by that many)."""
    if due_on is None:
        return None
    return workdays_between(today, due_on) if due_on >= today else -workdays_between(due_on, today)


async def _open_task(conn: Any, app: Any, steps: list[Any], today: date) -> Any:
    position = min(STAGES.index(app["status"]) + 1, len(steps))
    step = steps[position - 1]
    waiting = position == len(steps) and await fulfilment.waits_for_exam(conn, app["id"], app["service_code"])
    return await q.insert_task(conn, application_id=app["id"], service_code=app["service_code"],
                               position=position, step=step["step"], role=step["role"], stage=app["status"],
                               status="waiting_exam" if waiting else "open", due_on=task_due(app, today))


async def sync_tasks(conn: Any, today: date | None = None) -> int:
    """Cancel tasks whose application moved on without them and open the missing ones.
    Safe to run concurrently: the one-active-task index lets only one insert win."""
    await catalogue.load_workday_overrides(conn)
    today = today or catalogue.today()
    await q.cancel_stale_tasks(conn)
    steps: dict[str, list[Any]] = {}
    opened = 0
    for app in await rows(q.applications_without_task(conn)):
        code = app["service_code"]
        if code not in steps:
            steps[code] = await rows(q.steps_of_service(conn, service_code=code))
        if steps[code] and await _open_task(conn, app, steps[code], today) is not None:
            opened += 1
    return opened


def _applicant(row: Any) -> str | None:
    # Companies are public parties; a person's name is masked for everyone but the case detail.
    form = row["form"] or {}
    company = row["applicant_company"] or form.get("companyName")
    if company:
        return company
    return mask_name(row["applicant_name"] or form.get("applicantName") or form.get("ownerName"))


def task_out(row: Any, user: AuthUser, today: date) -> TaskOut:
    due = row["due_on"]
    left = workdays_left(due, today) if row["status"] != "waiting_exam" else None
    return TaskOut(id=row["id"], application_id=row["application_id"], public_no=row["public_no"],
                   service_code=row["service_code"], service_name=row["service_name"], step=row["step"],
                   step_name=row["step_name"], status=row["status"], applicant=_applicant(row),
                   submitted_at=row["submitted_at"], due_on=due, workdays_left=left,
                   overdue=left is not None and due < today, claimed_by_me=row["assignee_id"] == user.id,
                   assignee_id=row["assignee_id"], review_all_passed=row["review_all_passed"])


async def list_tasks(conn: Any, user: AuthUser, *, step: str | None, service_code: str | None,
                     status: str | None, mine: bool, overdue: bool | None, cursor: str | None,
                     limit: int) -> TaskPage:
    today = catalogue.today()
    await sync_tasks(conn, today)
    steps = [step] if step else list(user.steps)
    if step and step not in user.steps and not user.has("admin"):
        steps = []
    rows_ = await rows(q.queue(conn, steps=steps, all_steps=user.has("admin") and step is None,
                               service_code=service_code, status=status, assignee_id=user.id if mine else None,
                               overdue=overdue, today=today, after=int(cursor or 0), lim=limit + 1))
    items = [task_out(r, user, today) for r in rows_[:limit]]
    return TaskPage(items=items, next_cursor=str(items[-1].id) if len(rows_) > limit else None)


async def _task(conn: Any, task_id: int) -> Any:
    row = await q.get_task(conn, id=task_id)
    if row is None:
        raise TaskNotFound()
    return row


def _check_step(user: AuthUser, task: Any) -> None:
    if not may_act(user, task["step"], task["role"]):
        raise StepNotYours(step=task["step"])


async def get_task(conn: Any, user: AuthUser, task_id: int) -> TaskDetail:
    """The task with what the approver needs to decide: the form, the materials and the timeline."""
    task = await _task(conn, task_id)
    if not (may_act(user, task["step"], task["role"]) or user.has("admin")):
        raise StepNotYours(step=task["step"])
    today = catalogue.today()
    pages: dict[str, list[TaskPageOut]] = {}
    # the pages' read carries the record of this look at the case (F145), in the one round trip
    from api.approvals.service_access import shows_id_number  # service_access builds on this module

    seen = q.material_pages_seen(conn, application_id=task["application_id"], task_id=task_id, viewer_id=user.id,
                                 id_number_shown=shows_id_number(task["form"]))
    for p in await rows(seen):
        pages.setdefault(p["material_code"], []).append(TaskPageOut(
            page_no=p["page_no"], content_type=p["content_type"], size_bytes=p["size_bytes"], sha256=p["sha256"],
            uploaded_at=p["uploaded_at"], original_name=p["original_name"],
            url=f"/api/v1/tasks/{task_id}/materials/{p['material_code']}/pages/{p['page_no']}"))
    materials = []
    for m in await rows(q.materials(conn, application_id=task["application_id"])):
        state = "uploaded" if m["storage_key"] else "exempt" if m["exempt_licence_id"] else "missing"
        materials.append(MaterialOut(
            code=m["material_code"], name=m["name"], required=m["required"], state=state,
            content_type=m["content_type"], size_bytes=m["size_bytes"], sha256=m["sha256"],
            original_name=m["original_name"], uploaded_at=m["uploaded_at"],
            exempt_by=f"{m['exempt_licence_name']}（{m['exempt_licence_number']}）" if m["exempt_licence_id"] else None,
            url=f"/api/v1/tasks/{task_id}/materials/{m['material_code']}" if m["storage_key"] else None,
            pages=pages.get(m["material_code"], [])))
    timeline = [TimelineEntry(**dict(e))
                for e in await rows(q.timeline(conn, application_id=task["application_id"]))]
    spec, _ = await catalogue.merged_spec(conn, task["service_code"])
    answers = task["answers"] or {}
    situation = [SituationAnswer(code=s.code, question=s.question,
                                 answer=next((o.label for o in s.options if o.value == answers[s.code]),
                                             str(answers[s.code])))
                 for s in spec.situations if s.code in answers]
    return TaskDetail(task=task_out(task, user, today), application_status=task["application_status"],
                      applicant_phone=task["applicant_phone"], form=task["form"] or {}, answers=answers,
                      materials=materials, timeline=timeline, is_last_step=task["position"] == task["step_count"],
                      exam=await fulfilment.exam_of(conn, task["application_id"]),
                      form_labels={f.code: f.label for f in spec.fields}, situation=situation,
                      review=await service_review.latest(conn, task["application_id"]))


async def material_stream(conn: Any, user: AuthUser, settings: Any, task_id: int, code: str,
                          page_no: int | None = None) -> tuple[Any, str, str]:
    """The stored file of one material of the task's application, or of one of its pages:
    (chunks, content type, name)."""
    from urllib.parse import quote

    from api.storage import storage_for

    task = await _task(conn, task_id)
    if not (may_act(user, task["step"], task["role"]) or user.has("admin")):
        raise StepNotYours(step=task["step"])
    # the read records the look (F145) when there is a file to see, in the same statement
    if page_no is None:
        row = await q.material_seen(conn, application_id=task["application_id"], material_code=code,
                                    task_id=task_id, viewer_id=user.id)
    else:
        row = await q.material_page_seen(conn, application_id=task["application_id"], material_code=code,
                                         page_no=page_no, task_id=task_id, viewer_id=user.id)
    if row is None or row["storage_key"] is None:
        raise TaskNotFound("该材料没有上传文件" if page_no is None else f"该材料没有第{page_no}页")
    name = quote(row["original_name"] or row["material_code"])
    return storage_for(settings).read(row["storage_key"]), row["content_type"], name


async def _take(conn: Any, user: AuthUser, task_id: int) -> Any:
    """Claim the task for ``user`` (a conditional update: one approver at a time)."""
    task = await _task(conn, task_id)
    _check_step(user, task)
    await refuse_own_case(conn, user, task["application_id"])
    if task["status"] == "waiting_exam":
        raise TaskWaitingExam()
    claimed = await q.claim(conn, id=task_id, user_id=user.id)
    if claimed is None:
        now = await _task(conn, task_id)
        if now["status"] == "claimed":
            raise TaskClaimed(claimedBy=now["assignee_id"])
        raise TaskClosed(currentStatus=now["status"])
    return task


async def claim(conn: Any, user: AuthUser, task_id: int) -> TaskOut:
    await _take(conn, user, task_id)
    return task_out(await _task(conn, task_id), user, catalogue.today())


async def release(conn: Any, user: AuthUser, task_id: int) -> TaskOut:
    task = await _task(conn, task_id)
    if await q.release(conn, id=task_id, user_id=user.id) is None:
        raise TaskClaimed() if task["status"] == "claimed" else TaskClosed(currentStatus=task["status"])
    return task_out(await _task(conn, task_id), user, catalogue.today())


async def _gaps(conn: Any, app: Any, data: DecisionIn) -> list[dict[str, str]]:
    """The complete list for ONE gap notice; names come from the application's own materials."""
    names = {m["material_code"]: m["name"] for m in await rows(q.materials(conn, application_id=app["id"]))}
    spec = await catalogue.get_spec(conn, app["service_code"])
    names.update({f.code: f.label for f in spec.fields})
    gaps = []
    for item in data.missing:
        name = item.name or names.get(item.code)
        if name is None:
            raise MissingItemUnknown(item=item.code, field="missing")
        gaps.append({"code": item.code, "name": name, "message": item.message, "kind": item.kind})
    return gaps


async def sign(conn: Any, task: Any, *, approver_id: int, decision: str, reason: str | None,
               missing: list[Any] | None = None, batch_id: str | None = None) -> Any:
    """The sign-off: approver, time, and the head of the application's audit chain after the
    decision's timeline events (checked by ``zsb verify-audit``)."""
    head = await q.chain_head(conn, application_id=task["application_id"])
    return await q.insert_decision(conn, task_id=task["id"], application_id=task["application_id"],
                                   step=task["step"], decision=decision, reason=reason,
                                   missing=msgspec.to_builtins(missing or []), approver_id=approver_id,
                                   batch_id=batch_id, chain_seq=head["seq"], chain_hash=head["hash"])


async def approve_final(conn: Any, app_id: int, *, actor_id: int, note: str, data: dict[str, Any]) -> list[int]:
    """The last step approves: licences into the library, approved (approval_result by SMS and
    WeChat, sent by the applications area), and the paper licence's delivery prepared."""
    app = await applications.lock(conn, app_id)
    if app["status"] == "submitted":  # a one-step service: acceptance and decision at once
        await applications.transition(conn, app_id, "accepted", actor_id=actor_id, note="受理",
                                      data=data, notify_applicant=False)
    licences = await applications.issue_licences(conn, app_id, actor_id=actor_id)
    moved = await applications.transition(conn, app_id, "approved", actor_id=actor_id, note=note, data=data)
    await fulfilment.prepare_delivery(conn, moved)
    return [lic["id"] for lic in licences]


async def decide(conn: Any, user: AuthUser, task_id: int, data: DecisionIn, *, batch_id: str | None = None) -> DecisionOut:
    task = await _take(conn, user, task_id)
    app = await applications.lock(conn, task["application_id"])
    if app["status"] != task["stage"]:
        raise TaskClosed(currentStatus=app["status"])
    trail = {"taskId": task_id, "step": task["step"], "decision": data.decision}
    last = task["position"] == task["step_count"]
    licence_ids: list[int] = []
    notice_id = None
    if data.decision == "return":
        notice = await applications.create_gap_notice(conn, app["id"], await _gaps(conn, app, data), actor_id=user.id)
        notice_id = notice["id"]
    elif data.decision == "reject":
        await applications.transition(conn, app["id"], "rejected", actor_id=user.id, note=data.reason, data=trail)
    elif last:
        licence_ids = await approve_final(conn, app["id"], actor_id=user.id,
                                          note=data.reason or f"{task['step_name']}：准予许可", data=trail)
    else:
        target = STAGES[task["position"]]
        await applications.transition(conn, app["id"], target, actor_id=user.id,
                                      note=data.reason or f"{task['step_name']}：通过", data=trail)
        if task["position"] + 1 == task["step_count"]:
            await fulfilment.start_exam(conn, app)  # does nothing for services without an exam
    if await q.finish_task(conn, id=task_id, user_id=user.id, decision=data.decision) is None:
        raise TaskClosed()
    signed = await sign(conn, task, approver_id=user.id, decision=data.decision, reason=data.reason,
                        missing=data.missing, batch_id=batch_id)
    next_task = None
    if data.decision == "approve" and not last:
        await sync_tasks(conn)
        next_task = await fulfilment.active_task_id(conn, app["id"])
    moved = await applications.lock(conn, app["id"])
    return DecisionOut(id=signed["id"], task_id=task_id, application_id=app["id"], step=task["step"],
                       decision=data.decision, reason=data.reason, approver_id=user.id,
                       decided_at=signed["decided_at"], chain_seq=signed["chain_seq"], chain_hash=signed["chain_hash"],
                       application_status=moved["status"], next_task_id=next_task, licence_ids=licence_ids,
                       gap_notice_id=notice_id)


async def decide_batch(conn: Any, user: AuthUser, data: BatchDecisionIn) -> BatchDecisionOut:
    """Packaged approvals (e.g. a company's vehicle certificates): every item in the request's one
    transaction; the first failure rolls all of them back and names the item."""
    batch_id = str(uuid.uuid4())
    out = []
    for index, item in enumerate(data.items):
        single = DecisionIn(decision=item.decision, reason=item.reason, missing=item.missing)
        try:
            out.append(await decide(conn, user, item.task_id, single, batch_id=batch_id))
        except (Conflict, Forbidden, NotFound, Unprocessable) as exc:
            exc.extra.update(failedIndex=index, failedTaskId=item.task_id)
            raise
    return BatchDecisionOut(batch_id=batch_id, decisions=out)

