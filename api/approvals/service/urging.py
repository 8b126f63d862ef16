"""催办 (FAQ F109 "已超过预计办结日期仍未办结的，可在办件详情中点击“催办”，系统会提醒经办审批人员并在1个
工作日内答复您 … 办件超期会纳入我局效能督查").

Once the expected finish date (the paused clock's, ``applications.clock_of``) has passed and the
case still waits at a step, the applicant urges it, once per working day. The approver holding
the step (the task's assignee, else the step's approvers) and the step's leads are told at once;
the answer is due within 1 working day, is visible to the applicant (told too), and one not given
by then is escalated once to the leads (``escalate_overdue``, jobs/rights.py). Leads and admins
list the urged cases still waiting (效能督查: ``supervision``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import notify
from api import clock
from api.applications import service as applications
from api.approvals.rules import acting_roles, may_act
from api.approvals.schemas_rights import UrgingOut
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict, Forbidden, NotFound
from api.workdays import add_workdays, is_workday

q = load_queries(Path(__file__).parents[1], "urging.sql")

WAITING = ("submitted", "accepted", "in_review")
ANSWER_WORKDAYS = 1


class UrgeTooEarly(Conflict):
    """办件尚未超过预计办结日期，超过后才能催办。"""

    code = "urge_too_early"


class UrgedToday(Conflict):
    """今天已催办过，每个工作日可催办一次。"""

    code = "urged_today"


class UrgingNotFound(NotFound):
    """没有找到该催办。"""

    code = "urging_not_found"


class UrgingNotYours(Forbidden):
    """只有办理该环节的审批人员或负责人可以答复催办。"""

    code = "urging_not_yours"


class UrgingAnswered(Conflict):
    """该催办已答复。"""

    code = "urging_answered"


def _out(record: Any) -> UrgingOut:
    row = dict(record)
    return UrgingOut(id=row["id"], application_id=row["application_id"], urged_on=row["urged_on"],
                     urged_at=row["created_at"], due_on=row["due_on"], step=row["step"], answer=row["answer"],
                     answered_at=row["answered_at"], escalated=row["escalated_at"] is not None,
                     public_no=row.get("public_no"), service_name=row.get("service_name"),
                     step_name=row.get("step_name"))


async def urge(conn: Any, user: AuthUser, application_id: int, now: datetime) -> UrgingOut:
    case = await q.case_for_urging(conn, application_id=application_id)
    if case is None or case["applicant_id"] != user.id:
        raise UrgingNotFound()
    await catalogue.load_workday_overrides(conn)
    today = clock.local_day(now)
    expected = (await applications.clock_of(conn, application_id, today)).due_on
    if case["status"] not in WAITING or expected is None or today <= expected:
        raise UrgeTooEarly(dueOn=expected.isoformat() if expected else None, faq="F109")
    day = today if is_workday(today) else add_workdays(today, 1)
    due = add_workdays(day, ANSWER_WORKDAYS)
    row = await q.insert_urging(conn, application_id=application_id, urged_by=user.id, urged_on=day,
                                created_at=now, step=case["step"], due_on=due)
    if row is None:
        raise UrgedToday(faq="F109")
    await q.insert_event(conn, application_id=application_id, kind="urge", actor_id=user.id,
                         note=f"申请人催办（预计办结日期{expected.isoformat()}已过，应于{due.isoformat()}前答复）",
                         data={"urgingId": row["id"], "action": "urge"})
    told: set[int] = set()
    if case["step"]:
        holders = [case["assignee_id"]] if case["assignee_id"] else \
            [r["id"] for r in await rows(q.step_staff(conn, step=case["step"], roles=["approver"]))]
        leads = [r["id"] for r in await rows(q.step_staff(conn, step=case["step"], roles=["lead"]))]
        told = set(holders) | set(leads)
    await notify.tell_staff(conn, sorted(told), event="case_urged", key=f"case_urged:{row['id']}",
                            subject=("application", application_id), title=f"催办{case['public_no'] or ''}", due_on=due,
                            status="催办", publicNo=case["public_no"], serviceName=case["service_name"])
    return _out({**dict(row), "public_no": case["public_no"], "service_name": case["service_name"],
                 "step_name": case["step_name"]})


async def answer(conn: Any, user: AuthUser, urging_id: int, text: str, now: datetime) -> UrgingOut:
    found = await q.get_urging(conn, id=urging_id)
    if found is None:
        raise UrgingNotFound()
    if not (user.has("admin") or (found["step"] and (may_act(user, found["step"], "approver")
                                                      or (user.has("lead") and found["step"] in user.steps)))):
        raise UrgingNotYours(step=found["step"])
    row = await q.answer(conn, id=urging_id, answer=text.strip(), answered_by=user.id, answered_at=now)
    if row is None:
        raise UrgingAnswered()
    await q.insert_event(conn, application_id=found["application_id"], kind="urge", actor_id=user.id,
                         note=f"催办答复：{text.strip()}", data={"urgingId": urging_id, "action": "answer"})
    await notify.enqueue(conn, user_id=found["applicant_id"], event="urge_answered",
                         dedupe_key=f"urge_answered:{urging_id}", subject=("application", found["application_id"]),
                         params={"serviceName": found["service_name"], "publicNo": found["public_no"],
                                 "text": text.strip()})
    return _out({**dict(row), "public_no": found["public_no"], "service_name": found["service_name"],
                 "step_name": found["step_name"]})


async def of_case(conn: Any, user: AuthUser, application_id: int) -> list[UrgingOut]:
    """The applicant's own case's urgings (another's case: 404)."""
    return await _of_case(conn, application_id, owner_id=user.id)


async def of_case_for_staff(conn: Any, application_id: int) -> list[UrgingOut]:
    """A case's urgings on its task page: the caller was authorised for the case by opening its task."""
    return await _of_case(conn, application_id)


async def _of_case(conn: Any, application_id: int, *, owner_id: int | None = None) -> list[UrgingOut]:
    case = await q.case_for_urging(conn, application_id=application_id)
    if case is None or (owner_id is not None and case["applicant_id"] != owner_id):
        raise UrgingNotFound()
    return [_out({**dict(r), "public_no": case["public_no"], "service_name": case["service_name"]})
            for r in await rows(q.urgings_of(conn, application_id=application_id))]


async def to_answer(conn: Any, user: AuthUser) -> list[UrgingOut]:
    """The unanswered urgings the caller may answer, scoped as ``answer`` checks it: an approver or
    lead of the urged step, an admin any; the earliest answer day first."""
    steps = list(user.steps) if user.has(*acting_roles("approver")) else []
    return [_out(r) for r in await rows(q.unanswered(conn, steps=steps, all_steps=user.has("admin")))]


async def supervision(conn: Any, user: AuthUser) -> list[UrgingOut]:
    """效能督查: the urged cases still waiting, unanswered first (a lead's steps; an admin's: all)."""
    return [_out(r) for r in await rows(q.supervision(conn, steps=list(user.steps), all_steps=user.has("admin")))]


async def escalate_overdue(conn: Any, today: date, now: datetime) -> int:
    """Urgings not answered by their day: the step's leads are told, once (stamped ``now``, the job's clock)."""
    async def leads(row: Any) -> list[int]:
        return [r["id"] for r in await rows(q.step_staff(conn, step=row["step"], roles=["lead"]))] if row["step"] else []

    return await notify.escalate_once(conn, await rows(q.overdue_urgings(conn, today=today)),
                                      mark=lambda row: q.mark_escalated(conn, id=row["id"], at=now),
                                      recipients=leads, event="urge_overdue", key="urge_overdue", title="催办",
                                      status="已超期")
