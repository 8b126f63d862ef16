"""Pauses of the promised clock (FAQ F006, F044, F053, F076, F106: "补正材料、现场核查、考试、技术评估等
时间不计入").

A case's clock stops while it waits for an exam (the exams area: from ``start_exam`` until the case
is decided or lapses), while the applicant supplements materials (from the return for materials
until the resubmission: ``follow_status``, called by ``cases.move``), and during an on-site
inspection (现场核查) or a technical assessment or reinforcement (技术评估/加固改造) that an approver
starts and ends from the task (the approvals area). One open pause per case (a partial unique
index). A pause that ends moves the promised date (``due_on``) by the working days it lasted — in
(start day, end day], as ``api.workdays.workdays_between`` counts (F106) — and the reform figure
"working days to decision" leaves them out (migration 0186). Every start and end is on the timeline.

Public: ``start_pause``, ``end_pause``, ``open_pause``, ``pauses_of``, ``expected_due``,
``follow_status``, ``paused_workdays``, ``clock_of``; ``KIND_LABELS``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from api import clock
from api.applications.schemas_rights import CaseClockOut, CasePause
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict
from api.workdays import add_workdays, workdays_between

q = load_queries(Path(__file__).parents[1], "pauses.sql")

KIND_LABELS = {"exam": "考试", "inspection": "现场核查", "assessment": "技术评估/加固改造", "supplement": "补正材料"}
# the statuses a case's promised clock runs in (after acceptance, F106)
RUNNING = ("accepted", "in_review")
ENDED = ("approved", "rejected", "closed", "withdrawn")


class ClockAlreadyPaused(Conflict):
    """该办件已暂停计时，请先结束当前的暂停再开始新的暂停。"""

    code = "clock_already_paused"


class ClockNotPaused(Conflict):
    """该办件当前没有可结束的暂停计时。"""

    code = "clock_not_paused"


class ClockNotRunning(Conflict):
    """只有已受理、审查中的办件才能暂停计时。"""

    code = "clock_not_running"


def _pause(row: Any) -> CasePause:
    return CasePause(**dict(row), kind_label=KIND_LABELS[row["kind"]])


async def open_pause(conn: Any, application_id: int) -> CasePause | None:
    row = await q.open_pause(conn, application_id=application_id)
    return _pause(row) if row else None


async def pauses_of(conn: Any, application_id: int) -> list[CasePause]:
    return [_pause(r) for r in await rows(q.pauses_of(conn, application_id=application_id))]


async def _event(conn: Any, app: Any, *, actor_id: int | None, note: str, data: dict[str, Any],
                 at_status: str | None = None, at: datetime | None = None) -> None:
    await q.insert_event(conn, application_id=app["id"], kind="pause", actor_id=actor_id,
                         to_status=at_status or app["status"], note=note, data=data, at=at)


async def start_pause(conn: Any, application_id: int, kind: str, *, reason: str, actor_id: int | None,
                      now: datetime | None = None) -> CasePause:
    """Stop the case's clock (``kind``: exam, inspection, assessment, supplement)."""
    app = await q.lock_case(conn, id=application_id)
    if kind != "supplement" and app["status"] not in RUNNING:
        raise ClockNotRunning(status=app["status"])
    row = await q.insert_pause(conn, application_id=application_id, kind=kind, started_at=now or clock.now(),
                               reason=reason, started_by=actor_id)
    if row is None:
        current = await q.open_pause(conn, application_id=application_id)
        raise ClockAlreadyPaused(kind=current["kind"] if current else None)
    await _event(conn, app, actor_id=actor_id, note=f"暂停计时：{KIND_LABELS[kind]}（{reason}）",
                 data={"pauseId": row["id"], "kind": kind, "action": "start"}, at=now)
    return _pause(row)


async def end_pause(conn: Any, application_id: int, *, actor_id: int | None, kinds: tuple[str, ...] | None = None,
                    now: datetime | None = None, extend: bool = True, at_status: str | None = None) -> CasePause:
    """Restart the clock: the open pause ends and, with ``extend``, the promised date moves by the
    working days it lasted. ``kinds``: only a pause of these kinds may be ended here; ``at_status``:
    the status the timeline entry names (the one the pause ran in, when the case just moved on)."""
    app = await q.lock_case(conn, id=application_id)
    current = await q.open_pause(conn, application_id=application_id)
    if current is None or (kinds is not None and current["kind"] not in kinds):
        raise ClockNotPaused(kind=current["kind"] if current else None)
    await catalogue.load_workday_overrides(conn)
    ended = max(now or clock.now(), current["started_at"])
    days = workdays_between(clock.local_day(current["started_at"]), clock.local_day(ended))
    row = await q.close_pause(conn, id=current["id"], ended_at=ended, ended_by=actor_id, workdays=days)
    due = app["due_on"]
    if extend and due is not None and days:
        due = add_workdays(due, days)
        await q.extend_due(conn, id=application_id, due_on=due)
    await _event(conn, app, actor_id=actor_id, at_status=at_status, at=now,
                 note=f"恢复计时：{KIND_LABELS[current['kind']]}暂停{days}个工作日，不计入办理时限",
                 data={"pauseId": current["id"], "kind": current["kind"], "action": "end", "workdays": days,
                       "dueOn": due.isoformat() if due else None})
    return _pause(row)


async def follow_status(conn: Any, app: Any, frm: str, to_status: str, *, actor_id: int | None,
                        now: datetime | None) -> None:
    """The pauses a status change starts or ends (``cases.move``, after the change): a return for
    materials pauses (ending another open pause first), the resubmission ends that pause (``move``
    has moved ``due_on`` already), and a case that ends closes whatever pause is open."""
    if to_status == "needs_supplement":
        if await q.open_pause(conn, application_id=app["id"]) is not None:
            await end_pause(conn, app["id"], actor_id=actor_id, now=now, at_status=frm)
        await start_pause(conn, app["id"], "supplement", reason="退回补正，等待申请人补正材料", actor_id=actor_id, now=now)
    elif frm == "needs_supplement" or to_status in ENDED:
        if await q.open_pause(conn, application_id=app["id"]) is not None:
            await end_pause(conn, app["id"], actor_id=actor_id, now=now, extend=frm != "needs_supplement", at_status=frm)


async def paused_workdays(conn: Any, application_id: int, today: date) -> int:
    """Working days the case's clock has stood still so far (ended pauses, and the open one up to
    ``today``)."""
    total = 0
    for p in await pauses_of(conn, application_id):
        if p.ended_at is not None:
            total += p.workdays or 0
        else:
            total += workdays_between(clock.local_day(p.started_at), max(today, clock.local_day(p.started_at)))
    return total


async def expected_due(conn: Any, application_id: int, due_on: date | None, today: date) -> date | None:
    """The promised date as of ``today``: ``due_on`` (already moved by ended pauses) plus the working
    days of the open pause so far."""
    current = await open_pause(conn, application_id)
    if due_on is None or current is None:
        return due_on
    start = clock.local_day(current.started_at)
    return add_workdays(due_on, workdays_between(start, today)) if today > start else due_on


async def clock_of(conn: Any, application_id: int, today: date) -> CaseClockOut:
    """The case's promised clock as of ``today`` (the caller has checked the case exists and may be read)."""
    row = await q.clock_row(conn, id=application_id)
    return CaseClockOut(application_id=row["id"], promised_days=row["promised_days"],
                        due_on=await expected_due(conn, row["id"], row["due_on"], today),
                        paused=await open_pause(conn, row["id"]) is not None,
                        paused_workdays=await paused_workdays(conn, row["id"], today),
                        pauses=await pauses_of(conn, row["id"]))
