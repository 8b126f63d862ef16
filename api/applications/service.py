"""Applications: the state machine's one door, gap notices, licences and trips.

For the approvals area — what to call when a task is decided (all take the request's ``conn``
and run inside its transaction; each appends to the timeline and notifies the applicant):

- ``await transition(conn, app_id, "accepted", actor_id=approver_id, note="受理")`` — 受理 (starts
  the promised clock: ``due_on`` = promised working days after today, or after the row's
  ``clock_starts_on`` when that is later — F138: a case submitted outside office hours starts its
  clock on the next working day, see ``clock_starts_on(moment)``). Then ``"in_review"``.
- approve: ``await issue_licences(conn, app_id, actor_id=...)`` then
  ``await transition(conn, app_id, "approved", actor_id=..., note=reason)``; reject:
  ``await transition(conn, app_id, "rejected", actor_id=..., note=reason)``. Both send
  ``approval_result``; do not enqueue it again.
- return for missing materials (退回补正): ``await create_gap_notice(conn, app_id, [{"code": ...,
  "name": ..., "message": ...}, ...], actor_id=...)`` — ONE notice with every gap, the clock
  paused, 20 working days to supplement (the applicant may extend it once, F098:
  ``service_supplement.extend``); the applicant's resubmission puts the case back in the
  status it was returned from.
- visits: ``await record_trip(conn, user_id=..., application_id=..., kind="inspection",
  source_type="inspection", source_id=...)``.
- which steps a service has and which role acts on each:
  ``api.catalogue.service.steps_of(conn, service_code)``.

A transition not allowed by ``api.applications.states.TRANSITIONS`` raises ``TransitionRefused``
(409); the database refuses it as well. ``application_events`` is append-only, ordered by id.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

import notify
from api.applications import public_no as public_numbers
from api.applications.states import STATUS_LABELS, SUPPLEMENT_WORKDAYS, TRANSITIONS
from api.catalogue import service as catalogue
from api.catalogue.schemas import LicenceSpec
from api.db import rows
from api.db import load_queries
from api.errors import Conflict, NotFound, Unprocessable
from api.workdays import add_workdays, is_workday, workdays_between

q = load_queries(__file__)

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


class Gap(msgspec.Struct):
    name: str
    message: str
    code: str = ""
    kind: str = "material"


# FAQ F136/F140: office hours are 8:30–12:00 and 13:30–17:00 on working days.
OFFICE_CLOSES = time(17, 0)


def business_day(moment: datetime) -> date:
    return moment.astimezone(catalogue.SHANGHAI).date()


def clock_starts_on(moment: datetime) -> date:
    """FAQ F138 "非工作时间提交的，从下一个工作日开始受理并计算时限": the working day on which a case
    submitted at ``moment`` starts its processing clock. A working day whose office hours have not
    ended yet (early morning, the lunch break) is that day itself — its office time is still to
    come; after 17:00 or on a rest day it is the next working day."""
    local = moment.astimezone(catalogue.SHANGHAI)
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


async def append_event(conn: Any, app: Any, *, kind: str, actor_id: int | None, to_status: str | None = None,
                       from_status: str | None = None, note: str | None = None,
                       data: dict[str, Any] | None = None) -> Any:
    return await q.insert_event(conn, application_id=app["id"], kind=kind, actor_id=actor_id,
                                from_status=from_status, to_status=to_status or app["status"], note=note,
                                data=data or {})


async def _notify(conn: Any, app: Any, event: str, key: str, **params: Any) -> None:
    service = await q.service_of(conn, code=app["service_code"])
    await notify.enqueue(conn, user_id=app["applicant_id"], event=event, dedupe_key=key,
                         subject=("application", app["id"]),
                         params={"publicNo": app["public_no"], "serviceName": service["name"],
                                 "status": app["status"], "statusLabel": STATUS_LABELS[app["status"]], **params})


async def _move(conn: Any, app: Any, to_status: str, *, actor_id: int | None, note: str | None,
                data: dict[str, Any] | None, notify_applicant: bool, supplement_due_on: date | None = None,
                now: datetime | None = None) -> Any:
    """The one place a status changes (``app`` is the row locked FOR UPDATE). ``now``: the moment
    of the change (the applicant's clock; default the system clock)."""
    frm = app["status"]
    if to_status not in TRANSITIONS[frm]:
        raise TransitionRefused(f"{STATUS_LABELS[frm]}的办件不能改为{STATUS_LABELS.get(to_status, to_status)}",
                                status=frm, target=to_status)
    if frm == "needs_supplement" and to_status in ("submitted", "accepted", "in_review") \
            and to_status != app["resume_status"]:
        raise TransitionRefused("补正后的办件回到退回时的环节", status=frm, target=to_status)
    await catalogue.load_workday_overrides(conn)
    today = business_day(now) if now else catalogue.today()
    due_on, paused_on, resume = app["due_on"], app["paused_on"], None
    number_day = today if to_status == "submitted" and app["public_no"] is None else None
    clock_start = clock_starts_on(now or datetime.now(catalogue.SHANGHAI)) if to_status == "submitted" else None
    if to_status == "accepted" and due_on is None:
        # Counted from the day after acceptance (F106), and never before the processing clock
        # started (F138): a case sent on Saturday and accepted that night is due as if accepted
        # on Monday.
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
                              resume_status=resume, clock_starts_on=clock_start)
    if moved is None:  # the row is locked, so only a concurrent change we did not see gets here
        raise TransitionRefused(status=frm, target=to_status)
    event = await append_event(conn, moved, kind="status", actor_id=actor_id, from_status=frm, to_status=to_status,
                               note=note, data=data)
    if to_status == "withdrawn":
        await notify.cancel_pending(conn, subject=("application", app["id"]))
    if notify_applicant and to_status in EVENT_FOR_STATUS:
        reason = APPROVED_REASON if to_status == "approved" else (note or STATUS_LABELS[to_status])
        await _notify(conn, moved, EVENT_FOR_STATUS[to_status], f"application:{app['id']}:{event['id']}",
                      note=note or "", dueOn=due_on.isoformat() if due_on else "",
                      result=RESULT_FOR_STATUS.get(to_status, STATUS_LABELS[to_status]), reason=reason)
    return moved


async def lock(conn: Any, application_id: int) -> Any:
    app = await q.lock_application(conn, id=application_id)
    if app is None:
        raise ApplicationNotFound()
    return app


async def transition(conn: Any, application_id: int, to_status: str, *, actor_id: int | None,
                     note: str | None = None, data: dict[str, Any] | None = None,
                     notify_applicant: bool = True) -> Any:
    """Move an application to ``to_status``; returns the updated ``applications`` row.

    Appends a timeline event (who, when, from, to, note, data) and sends the applicant the
    event of the new status (submitted/accepted/approval_result/closed). Returning for
    supplements goes through ``create_gap_notice`` instead."""
    if to_status == "needs_supplement":
        raise GapNoticeRequired()
    return await _move(conn, await lock(conn, application_id), to_status, actor_id=actor_id, note=note,
                       data=data, notify_applicant=notify_applicant)


async def create_gap_notice(conn: Any, application_id: int, gaps: list[dict[str, Any]], *,
                            actor_id: int | None, now: datetime | None = None) -> Any:
    """一次性告知: store ONE notice listing every gap, move the case to ``needs_supplement``
    (20 working days to supplement, the promised clock paused) and send ONE ``material_gap``
    message. ``gaps``: ``[{"name": ..., "message": ..., "code": ..., "kind": "material"|"field"|"rule"}]``.
    Returns the ``gap_notices`` row."""
    try:
        items = msgspec.convert(gaps, list[Gap])
    except msgspec.ValidationError as exc:
        raise GapsInvalid(str(exc), field="gaps") from None
    if not items:
        raise GapsInvalid(field="gaps")
    app = await lock(conn, application_id)
    await catalogue.load_workday_overrides(conn)
    due_on = add_workdays(business_day(now) if now else catalogue.today(), SUPPLEMENT_WORKDAYS)
    if "needs_supplement" not in TRANSITIONS[app["status"]]:
        raise TransitionRefused(status=app["status"], target="needs_supplement")
    notice = await q.insert_gap_notice(conn, application_id=app["id"], gaps=msgspec.to_builtins(items),
                                       raised_by=actor_id, from_status=app["status"], due_on=due_on)
    moved = await _move(conn, app, "needs_supplement", actor_id=actor_id, note=f"一次性告知：{len(items)}项需补正",
                        data={"gapNoticeId": notice["id"], "gaps": len(items)}, notify_applicant=False,
                        supplement_due_on=due_on, now=now)
    gaps = "、".join(i.name for i in items)
    await _notify(conn, moved, "material_gap", f"gap_notice:{notice['id']}", count=len(items), gaps=gaps,
                  dueOn=due_on.isoformat(), reason=f"{gaps}（请于{due_on.year}年{due_on.month}月{due_on.day}日前补齐）")
    return notice


def _licence_period(spec: LicenceSpec, form: dict[str, Any], today: date) -> tuple[date, date | None]:
    start = today
    if spec.starts_after_field and isinstance(form.get(spec.starts_after_field), str):
        start = max(today, date.fromisoformat(form[spec.starts_after_field]) + timedelta(days=1))
    if spec.valid_until_field and isinstance(form.get(spec.valid_until_field), str):
        return start, max(start, date.fromisoformat(form[spec.valid_until_field]))
    if spec.valid_years:
        base = start  # F029: from the car's registration, not the day of issue (yearsFromField)
        if spec.years_from_field and isinstance(form.get(spec.years_from_field), str):
            base = date.fromisoformat(form[spec.years_from_field])
        try:
            return start, max(start, base.replace(year=base.year + spec.valid_years) - timedelta(days=1))
        except ValueError:  # from 29 February
            return start, max(start, base.replace(year=base.year + spec.valid_years, day=28))
    return start, None


# What a licence is about, read from the application's form (its field names in services.json):
# a new licence of the same holder and type about the same subject replaces the one in the
# library (F028 the car's plate, F039 the vehicle's plate, F062 the ship, F021 the driver whose
# service card a company holds). Types not listed have no subject and replace nothing.
SUBJECT_FIELD = {
    "ridehail_vehicle_permit": "plateNo",
    "road_transport_certificate": "plateNo",
    "ship_operating_certificate": "shipName",
    "taxi_service_card": "driverIdNumber",
}
# Answers whose path issues no licence but cancels the one about the subject (F020: 注销注册).
CANCELLING = {"taxi_service_card": ("action", "deregister", "从业资格注册已注销")}


def _subject_value(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _replaced(lic_type: str, answers: dict[str, Any], form: dict[str, Any]) -> tuple[list[str], list[str], str]:
    """(subjects, licence numbers, reason) of what a new licence of ``lic_type`` replaces."""
    subjects = [_subject_value(form.get(SUBJECT_FIELD[lic_type]))]
    numbers: list[str | None] = []
    action = answers.get("action")
    reason = "同一对象已发放新证，原证作废"
    if lic_type == "ridehail_vehicle_permit" and action == "replace":
        # F028 车辆更新: "原车的电子运输证在新证发放时自动注销"
        subjects.append(_subject_value(form.get("oldPlateNo")))
        reason = "车辆更新，原车运输证随新车运输证发放注销"
    elif lic_type == "road_transport_certificate":  # F039: the reissued or replaced one takes its place
        reason = {"reissue": "已补发新证，原证作废", "replace": "已换发新证，原证作废"}.get(action, reason)
    elif lic_type == "ship_operating_certificate":
        # F062 "新证发放后旧证自动作废"; the form names the old certificate by its number too
        numbers.append(form.get("certNo").strip() if isinstance(form.get("certNo"), str) else None)
        reason = "已换发新证，旧证自动作废"
    elif lic_type == "taxi_service_card":
        reason = "已重新注册或延续注册，原服务监督卡作废"
    return [s for s in subjects if s], [n for n in numbers if n], reason


async def _revoke(conn: Any, app: Any, lic_type: str, subjects: list[str], numbers: list[str], reason: str,
                  today: date, *, actor_id: int | None) -> list[Any]:
    """Revoke the holder's valid licences of ``lic_type`` about ``subjects`` (or numbered ``numbers``),
    each noted on this application's timeline. Returns the rows changed (revoked or found expired)."""
    if not subjects and not numbers:
        return []
    for key in subjects:
        await q.lock_licence_subject(conn, key=f"{app['applicant_id']}:{lic_type}:{key}")
    changed = list(await rows(q.revoke_licences(conn, holder_id=app["applicant_id"], type=lic_type, subjects=subjects,
                                                numbers=numbers, application_id=app["id"], reason=reason,
                                                today=today)))
    for old in changed:
        if old["status"] == "revoked":
            await append_event(conn, app, kind="licence", actor_id=actor_id,
                               note=f"原证照作废：{old['name']}（{old['number']}）：{reason}",
                               data={"revokedLicenceId": old["id"], "type": lic_type})
    return changed


async def issue_licences(conn: Any, application_id: int, *, actor_id: int | None) -> list[Any]:
    """Issue the electronic licence(s) of an application into the library (a bundle issues one
    per member service), revoking in the same transaction the licence each one replaces (same
    holder, type and subject, ``SUBJECT_FIELD``). Idempotent: a second call returns the licences
    already issued and revokes nothing more. Returns ``licences`` rows; empty when the answers'
    path issues none — a deregistration (``CANCELLING``) then revokes the licence it cancels."""
    app = await lock(conn, application_id)
    spec, members = await catalogue.merged_spec(conn, app["service_code"])
    # a bundle issues the licences of the members its answers apply for (no vehicle: no 道路运输证, F082)
    applying = catalogue.members_applying(spec, members, app["answers"]) if members else []
    specs = [m.licence for m in applying if m.licence] if members else ([spec.licence] if spec.licence else [])
    today = catalogue.today()
    answers, form = app["answers"] or {}, app["form"] or {}
    if not catalogue.path_of(spec, answers)[2]:
        for lic in specs:
            cancel = CANCELLING.get(lic.type)
            if cancel and answers.get(cancel[0]) == cancel[1] and lic.type in SUBJECT_FIELD:
                subject = _subject_value(form.get(SUBJECT_FIELD[lic.type]))
                await _revoke(conn, app, lic.type, [subject] if subject else [], [], cancel[2], today,
                              actor_id=actor_id)
        return []
    for lic in specs:
        valid_from, valid_until = _licence_period(lic, form, today)
        replaced: list[Any] = []
        subject = _subject_value(form.get(SUBJECT_FIELD[lic.type])) if lic.type in SUBJECT_FIELD else None
        if lic.type in SUBJECT_FIELD:
            subjects, numbers, reason = _replaced(lic.type, answers, form)
            replaced = await _revoke(conn, app, lic.type, subjects, numbers, reason, today, actor_id=actor_id)
        if any(r["status"] == "revoked" and r["valid_from"] <= today for r in replaced):
            # The old one was in force and is void now (F062): the new one is in force at once —
            # its end date still counts from the old one's (F061 "不会损失剩余天数").
            valid_from = min(valid_from, today)
        row = await q.insert_licence(conn, holder_id=app["applicant_id"], type=lic.type, name=lic.name,
                                     number=f"{app['public_no'] or app['id']}-{lic.type[:12].upper()}",
                                     valid_from=valid_from, valid_until=valid_until, application_id=app["id"],
                                     data={"serviceCode": app["service_code"]}, subject=subject)
        if row is not None:
            await q.link_replacement(conn, ids=[r["id"] for r in replaced], replaced_by=row["id"])
            await append_event(conn, app, kind="licence", actor_id=actor_id, note=f"发放电子证照：{lic.name}",
                               data={"licenceId": row["id"], "type": lic.type,
                                     "replaces": [r["id"] for r in replaced if r["status"] == "revoked"]})
    return list(await rows(q.licences_of_application(conn, application_id=app["id"])))


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


async def close_unsupplemented(conn: Any, on: date | None = None) -> list[int]:
    """Close (with notice) every application whose supplement deadline has passed (FAQ F098:
    not supplemented within 20 working days counts as withdrawn). Returns the closed ids."""
    closed = []
    for row in await rows(q.due_for_closing(conn, today=on or catalogue.today())):
        app = await q.lock_application(conn, id=row["id"])
        if app is None or app["status"] != "needs_supplement" or app["supplement_due_on"] >= (on or catalogue.today()):
            continue  # supplemented meanwhile
        await _move(conn, app, "closed", actor_id=None, note="逾期未补正，视为撤回申请", data=None,
                    notify_applicant=True)
        closed.append(app["id"])
    return closed
