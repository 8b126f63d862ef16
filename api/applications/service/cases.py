"""Applications: the state machine's one door, gap notices and trips — the public case API.

What other areas call (all take the request's ``conn`` and run inside its transaction; each
change appends to the timeline and notifies the applicant):

- read a case: ``await get_case(conn, app_id) -> Case`` (a Struct), or ``lock_case`` to lock it
  for the transaction too; a service's name for a message: ``await service_name(conn, code)``;
  the delivery choice in the form before the decision (F129): ``patch_form``.
- a timeline entry: ``await append_event(conn, case, kind=..., actor_id=..., note=..., data=...)``;
  ``await transition(conn, app_id, "accepted", actor_id=approver_id, note="受理", now=now)`` — 受理 (starts
  the promised clock: ``due_on`` = promised working days after today, or after the row's
  ``clock_starts_on`` when that is later — F138: a case submitted outside office hours starts its
  clock on the next working day, see ``clock_starts_on(moment)``). Then ``"in_review"``.
- approve: ``await api.licences.service.issue_licences(conn, app_id, actor_id=..., now=now)`` then
  ``await transition(conn, app_id, "approved", actor_id=..., note=reason)``; reject: the same to
  ``"rejected"``. Both send ``approval_result``; do not enqueue it again.
- return for missing materials (退回补正): ``await create_gap_notice(conn, app_id, [{"code": ...,
  "name": ..., "message": ...}, ...], actor_id=...)`` — ONE notice with every gap, the clock
  paused, 20 working days to supplement (once extendable, F098: ``supplement.extend``);
  the applicant's resubmission puts the case back in the status it was returned from.
- visits: ``await record_trip(conn, user_id=..., application_id=..., kind="inspection",
  source_type="inspection", source_id=...)``. A service's steps: ``api.catalogue.service.steps_of``.

A transition not allowed by ``api.applications.states.TRANSITIONS`` raises ``TransitionRefused``
(409); the database refuses it as well. ``application_events`` is append-only, ordered by id.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

import notify
from api import clock
from api.applications import public_no as public_numbers
from api.applications.schemas import CaseEvent, GapNotice
from api.applications.service import pauses
from api.applications.states import STATUS_LABELS, SUPPLEMENT_WORKDAYS, TRANSITIONS
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict, NotFound, Unprocessable
from api.workdays import add_workdays, is_workday, workdays_between

q = load_queries(Path(__file__).parents[1])

# What the applicant's message says of the outcome ({result}) and why ({reason}, the decision's note)
RESULT_FOR_STATUS = {"approved": "准予许可", "rejected": "不予许可"}
APPROVED_REASON = "详情请在“我的办件”中查看，电子证照见“我的证照”。"

EVENT_FOR_STATUS = {
    "submitted": "application_submitted",
    "accepted": "application_accepted",
    "in_review": "application_in_review",  # F107: every change of stage reaches the applicant
    "approved": "approval_result",
    "rejected": "approval_result",
    "closed": "application_closed",
}


class ApplicationNotFound(NotFound):
    """没有找到该办件。"""

    code = "application_not_found"


class TransitionRefused(Conflict):
    """办件当前状态下不能执行此操作。"""

    code = "transition_refused"


class GapNoticeRequired(Conflict):
    """退回补正须出具一次性告知书。"""

    code = "gap_notice_required"


class GapsInvalid(Unprocessable):
    """一次性告知书至少要列出一项需补正的内容。"""

    code = "gaps_invalid"


class Case(msgspec.Struct, frozen=True):
    """What other areas read of an application (licences, exams, approvals)."""

    id: int
    applicant_id: int
    service_code: str
    status: str
    public_no: str | None
    answers: dict[str, Any] | None
    form: dict[str, Any] | None


class Gap(msgspec.Struct):
    name: str
    message: str
    code: str = ""
    kind: str = "material"


# FAQ F136/F140: office hours are 8:30–12:00 and 13:30–17:00 on working days.
OFFICE_CLOSES = time(17, 0)


def clock_starts_on(moment: datetime) -> date:
    """FAQ F138 "非工作时间提交的，从下一个工作日开始受理并计算时限": the working day on which a case
    submitted at ``moment`` starts its processing clock. A working day whose office hours have not
    ended yet (early morning, the lunch break) is that day itself — its office time is still to
    come; after 17:00 or on a rest day it is the next working day."""
    local = moment.astimezone(clock.ZONE)
    day = local.date()
    if is_workday(day) and local.time() < OFFICE_CLOSES:
        return day
    return add_workdays(day, 1)


PUBLIC_NO_TRIES = 5  # a collision of 40 random bits is already rare; five in a row is a broken generator


async def _set_status(conn: Any, *, number_day: date | None, **fields: Any) -> Any:
    """``set_status``; on the first submission with a fresh public number (``number_day``). The
    database's unique index is what keeps numbers unique: a collision undoes only this update (a
    savepoint) and the next number is tried."""
    if number_day is None:
        return await q.set_status(conn, public_no=None, **fields)
    for _ in range(PUBLIC_NO_TRIES):
        try:
            async with conn.transaction():
                return await q.set_status(conn, public_no=public_numbers.new(number_day), **fields)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name != "applications_public_no_key":
                raise
    raise RuntimeError(f"no free public number after {PUBLIC_NO_TRIES} tries")


async def append_event(conn: Any, app: Case | Any, *, kind: str, actor_id: int | None, to_status: str | None = None,
                       from_status: str | None = None, note: str | None = None,
                       data: dict[str, Any] | None = None, at: datetime | None = None) -> CaseEvent:
    """One timeline entry of ``app`` (a ``Case`` or an ``applications`` row), at its status."""
    app_id, status = (app.id, app.status) if isinstance(app, Case) else (app["id"], app["status"])
    return msgspec.convert(dict(await q.insert_event(conn, application_id=app_id, kind=kind, actor_id=actor_id,
                                                     from_status=from_status, to_status=to_status or status,
                                                     note=note, data=data or {}, at=at)), CaseEvent)


async def _notify(conn: Any, app: Any, event: str, key: str, **params: Any) -> None:
    await notify.enqueue(conn, user_id=app["applicant_id"], event=event, dedupe_key=key,
                         subject=("application", app["id"]),
                         params={"publicNo": app["public_no"], "serviceName": await service_name(conn, app["service_code"]),
                                 "status": app["status"], "statusLabel": STATUS_LABELS[app["status"]], **params})


async def move(conn: Any, app: Any, to_status: str, *, actor_id: int | None, note: str | None,
                data: dict[str, Any] | None, notify_applicant: bool, supplement_due_on: date | None = None,
                now: datetime | None = None) -> Any:
    """The one place a status changes (``app`` is the row locked FOR UPDATE). ``now``: the moment
    of the change by the app's clock (a route's or a job's; default the system clock)."""
    frm = app["status"]
    if to_status not in TRANSITIONS[frm]:
        raise TransitionRefused(f"{STATUS_LABELS[frm]}的办件不能改为{STATUS_LABELS.get(to_status, to_status)}",
                                status=frm, target=to_status)
    if frm == "needs_supplement" and to_status in {"submitted", "accepted", "in_review"} - {app["resume_status"]}:
        raise TransitionRefused("补正后的办件回到退回时的环节", status=frm, target=to_status)
    await catalogue.load_workday_overrides(conn)
    today = clock.local_day(now) if now else clock.today()
    due_on, paused_on, resume = app["due_on"], app["paused_on"], None
    number_day = today if to_status == "submitted" and app["public_no"] is None else None
    clock_start = clock_starts_on(now or clock.local_now()) if to_status == "submitted" else None
    if to_status == "accepted" and due_on is None:
        # Counted from the day after acceptance (F106), never before the processing clock started
        # (F138): a case sent on Saturday and accepted that night is due as if accepted on Monday.
        start = max(today, app["clock_starts_on"] or today)
        due_on = add_workdays(start, app["promised_days"])
    if to_status == "needs_supplement":
        resume = frm
        if frm in ("accepted", "in_review"):
            paused_on = today  # the promised clock only runs after acceptance; it stops while supplementing
    if frm == "needs_supplement":
        if paused_on is not None and due_on is not None:
            due_on = add_workdays(due_on, workdays_between(paused_on, today))
        paused_on = None
        outcome = to_status if to_status in ("closed", "withdrawn") else "supplemented"
        await q.resolve_gap_notice(conn, application_id=app["id"], outcome=outcome)
    moved = await _set_status(conn, number_day=number_day, id=app["id"], to_status=to_status, from_statuses=[frm],
                              due_on=due_on, paused_on=paused_on, supplement_due_on=supplement_due_on,
                              resume_status=resume, clock_starts_on=clock_start, at=now)
    if moved is None:  # the row is locked, so only a concurrent change we did not see gets here
        raise TransitionRefused(status=frm, target=to_status)
    await pauses.follow_status(conn, moved, frm, to_status, actor_id=actor_id, now=now)  # the clock's pauses
    event = await append_event(conn, moved, kind="status", actor_id=actor_id, from_status=frm, to_status=to_status,
                               note=note, data=data, at=now)
    if to_status == "withdrawn":
        await notify.cancel_pending(conn, subject=("application", app["id"]))
    if notify_applicant and to_status in EVENT_FOR_STATUS:
        reason = APPROVED_REASON if to_status == "approved" else (note or STATUS_LABELS[to_status])
        await _notify(conn, moved, EVENT_FOR_STATUS[to_status], f"application:{app['id']}:{event.id}",
                      note=note or "", dueOn=due_on.isoformat() if due_on else "",
                      result=RESULT_FOR_STATUS.get(to_status, STATUS_LABELS[to_status]), reason=reason)
    return moved


async def lock(conn: Any, application_id: int) -> Any:
    app = await q.lock_application(conn, id=application_id)
    if app is None:
        raise ApplicationNotFound()
    return app


async def lock_case(conn: Any, application_id: int) -> Case:
    """The case, locked FOR UPDATE until the transaction ends."""
    return msgspec.convert(dict(await lock(conn, application_id)), Case)


async def get_case(conn: Any, application_id: int) -> Case:
    if (app := await q.get_application(conn, id=application_id)) is None:
        raise ApplicationNotFound()
    return msgspec.convert(dict(app), Case)


async def service_name(conn: Any, code: str) -> str:
    return (await q.service_of(conn, code=code))["name"]


async def patch_form(conn: Any, application_id: int, patch: dict[str, Any], drop_key: str) -> None:
    await q.patch_form(conn, application_id=application_id, patch=patch, drop_key=drop_key)


async def transition(conn: Any, application_id: int, to_status: str, *, actor_id: int | None,
                     note: str | None = None, data: dict[str, Any] | None = None,
                     notify_applicant: bool = True, now: datetime | None = None) -> Any:
    """Move an application to ``to_status`` at ``now`` (the app's clock); returns the updated row.

    Appends a timeline event (who, when, from, to, note, data) and sends the applicant the
    event of the new status (submitted/accepted/approval_result/closed). Returning for
    supplements goes through ``create_gap_notice`` instead."""
    if to_status == "needs_supplement":
        raise GapNoticeRequired()
    return await move(conn, await lock(conn, application_id), to_status, actor_id=actor_id, note=note,
                       data=data, notify_applicant=notify_applicant, now=now)


async def create_gap_notice(conn: Any, application_id: int, gaps: list[dict[str, Any]], *,
                            actor_id: int | None, now: datetime | None = None) -> GapNotice:
    """一次性告知: store ONE notice listing every gap, move the case to ``needs_supplement``
    (20 working days to supplement, the promised clock paused), send ONE ``material_gap`` message
    and return the notice. ``gaps``: ``[{"name": ..., "message": ..., "code": ..., "kind": ...}]``."""
    try:
        items = msgspec.convert(gaps, list[Gap])
    except msgspec.ValidationError as exc:
        raise GapsInvalid(str(exc), field="gaps") from None
    if not items:
        raise GapsInvalid(field="gaps")
    app = await lock(conn, application_id)
    await catalogue.load_workday_overrides(conn)
    due_on = add_workdays(clock.local_day(now) if now else clock.today(), SUPPLEMENT_WORKDAYS)
    if "needs_supplement" not in TRANSITIONS[app["status"]]:
        raise TransitionRefused(status=app["status"], target="needs_supplement")
    notice = await q.insert_gap_notice(conn, application_id=app["id"], gaps=msgspec.to_builtins(items),
                                       raised_by=actor_id, from_status=app["status"], due_on=due_on)
    moved = await move(conn, app, "needs_supplement", actor_id=actor_id, note=f"一次性告知：{len(items)}项需补正",
                        data={"gapNoticeId": notice["id"], "gaps": len(items)}, notify_applicant=False,
                        supplement_due_on=due_on, now=now)
    gaps = "、".join(i.name for i in items)
    await _notify(conn, moved, "material_gap", f"gap_notice:{notice['id']}", count=len(items), gaps=gaps,
                  dueOn=due_on.isoformat(), reason=f"{gaps}（请于{due_on.year}年{due_on.month}月{due_on.day}日前补齐）")
    return msgspec.convert(dict(notice), GapNotice)


async def record_trip(conn: Any, *, user_id: int, application_id: int | None, kind: str, source_type: str,
                      source_id: int) -> Any:
    """Record one physical visit (window_checkin, inspection, exam, pickup) for the reform
    figures; the same (source_type, source_id, kind) is recorded once. Returns the new
    ``trips`` row, or None when it was already recorded."""
    row = await q.insert_trip(conn, user_id=user_id, application_id=application_id, kind=kind,
                              source_type=source_type, source_id=source_id)
    if row is not None and application_id is not None:
        app = await q.get_application(conn, id=application_id)
        await append_event(conn, app, kind="trip", actor_id=None, note=f"到场：{kind}",
                           data={"tripId": row["id"], "kind": kind})
    return row


async def close_unsupplemented(conn: Any, on: date | None = None, *, now: datetime | None = None) -> list[int]:
    """Close (with notice) every application whose supplement deadline has passed (FAQ F098:
    not supplemented within 20 working days counts as withdrawn). Returns the closed ids."""
    closed = []
    for row in await rows(q.due_for_closing(conn, today=on or clock.today())):
        app = await q.lock_application(conn, id=row["id"])
        if app is None or app["status"] != "needs_supplement" or app["supplement_due_on"] >= (on or clock.today()):
            continue  # supplemented meanwhile
        await move(conn, app, "closed", actor_id=None, note="逾期未补正，视为撤回申请", data=None,
                    notify_applicant=True, now=now)
        closed.append(app["id"])
    return closed
