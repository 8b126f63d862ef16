"""Manual re-review of the automatic review (FAQ F051 "如认为核查结果有误，可点击“申请人工复核”，审批人员
会在1个工作日内处理").

Where the automatic review refused a case (its latest run failed a check and the case was returned
for materials), the applicant asks once per submission (one request per review run) with a short
reason. The request is due in 1 working day; the staff holding a step of the service are told.
A reviewer upholds the result (with a reason) or overrides individual failed checks; the applicant
is told, the outcome is stored beside the automatic results (``review_rereviews``) and on the
timeline, and an overridden check counts as passed when the case is submitted again
(``honour_overrides``, called by ``review_runs``). Unanswered by its day, it is escalated once to
the service's leads (``escalate_overdue``, jobs/rights.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import notify
from api import clock
from api.applications.schemas_rights import RereviewCheckOut, RereviewDecisionIn, RereviewOut
from api.applications.service.cases import service_name
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.workdays import add_workdays

q = load_queries(Path(__file__).parents[1], "rereview.sql")

REREVIEW_WORKDAYS = 1  # F051: 1个工作日内处理


class RereviewNotAvailable(Conflict):
    """只有智能审核未通过、被退回补正的办件才能申请人工复核。"""

    code = "rereview_not_available"


class RereviewAlreadyRequested(Conflict):
    """本次提交的智能审核结果已申请过人工复核（每次提交可申请一次）。"""

    code = "rereview_already_requested"


class RereviewNotFound(NotFound):
    """没有找到该人工复核申请。"""

    code = "rereview_not_found"


class RereviewNotYours(Forbidden):
    """只有办理该事项审批环节的工作人员可以处理人工复核。"""

    code = "rereview_not_yours"


class RereviewDecided(Conflict):
    """该人工复核已处理。"""

    code = "rereview_decided"


class RereviewChecksInvalid(Unprocessable):
    """改判的核查项须是本次智能审核未通过的项目。"""

    code = "rereview_checks_invalid"


def _out(row: Any, **staff_view: Any) -> RereviewOut:
    """``staff_view``: what staff's list and decision add (public_no, service_name, failed_checks)."""
    return RereviewOut(id=row["id"], application_id=row["application_id"], review_id=row["review_id"],
                       reason=row["reason"], requested_at=row["created_at"], due_on=row["due_on"],
                       status=row["status"], answer=row["answer"], overridden=list(row["overridden"]),
                       decided_at=row["decided_at"], escalated=row["escalated_at"] is not None, **staff_view)


def _check(row: Any) -> RereviewCheckOut:
    return RereviewCheckOut(code=row["code"], name=row["name"], reason=row["reason"])


async def request(conn: Any, user: AuthUser, application_id: int, reason: str, now: datetime) -> RereviewOut:
    run = await q.latest_run(conn, application_id=application_id)
    if run is None or run["applicant_id"] != user.id:
        raise RereviewNotFound()
    if run["id"] is None or not run["failed"] or run["status"] != "needs_supplement":
        raise RereviewNotAvailable(status=run["status"], faq="F051")
    await catalogue.load_workday_overrides(conn)
    due = add_workdays(clock.local_day(now), REREVIEW_WORKDAYS)
    row = await q.insert_request(conn, application_id=application_id, review_id=run["id"], requested_by=user.id,
                                 reason=reason.strip(), created_at=now, due_on=due)
    if row is None:
        raise RereviewAlreadyRequested(faq="F051")
    await q.insert_event(conn, application_id=application_id, kind="rereview", actor_id=user.id,
                         note=f"申请人工复核：{reason.strip()}", data={"rereviewId": row["id"], "action": "request"})
    await notify.tell_staff(conn, [r["id"] for r in await rows(q.recipients(conn, service_code=run["service_code"]))],
                            event="rereview_requested", key=f"rereview_requested:{row['id']}",
                            subject=("application", application_id), title=f"人工复核{run['public_no'] or ''}", due_on=due,
                            status="待处理", publicNo=run["public_no"])
    return _out(row)


async def _may_decide(conn: Any, user: AuthUser, service_code: str) -> None:
    if user.has("admin"):
        return
    holds = await q.holds_step(conn, service_code=service_code, steps=list(user.steps))
    if not (user.has("approver") or user.has("lead")) or not holds:
        raise RereviewNotYours()


async def decide(conn: Any, user: AuthUser, rereview_id: int, data: RereviewDecisionIn, now: datetime) -> RereviewOut:
    found = await q.get_request(conn, id=rereview_id)
    if found is None:
        raise RereviewNotFound()
    await _may_decide(conn, user, found["service_code"])
    await q.lock_request(conn, id=rereview_id)
    failed_rows = await rows(q.failed_checks(conn, review_id=found["review_id"]))
    failed = {r["code"]: r["name"] for r in failed_rows}
    if data.outcome == "override" and (not data.checks or any(c not in failed for c in data.checks)):
        raise RereviewChecksInvalid(failed=sorted(failed), field="checks")
    status = "overridden" if data.outcome == "override" else "upheld"
    row = await q.decide(conn, id=rereview_id, status=status, decided_by=user.id, decided_at=now,
                         answer=data.reason.strip(), overridden=data.checks if status == "overridden" else [])
    if row is None:
        raise RereviewDecided()
    names = "、".join(failed[c] for c in data.checks) if status == "overridden" else ""
    result = f"以下核查项改判为通过：{names}" if names else "维持智能审核结果"
    await q.insert_event(conn, application_id=found["application_id"], kind="rereview", actor_id=user.id,
                         note=f"人工复核：{result}（{data.reason.strip()}）",
                         data={"rereviewId": rereview_id, "action": status, "checks": list(row["overridden"])})
    name = await service_name(conn, found["service_code"])
    await notify.enqueue(conn, user_id=found["applicant_id"], event="rereview_answered",
                         dedupe_key=f"rereview_answered:{rereview_id}", subject=("application", found["application_id"]),
                         params={"serviceName": name,
                                 "publicNo": found["public_no"], "result": result,
                                 "reason": f"说明：{data.reason.strip()}" + ("。改判的项目重新提交时不再核查为未通过。"
                                                                         if names else "。请按一次性告知书补正后重新提交。")})
    return _out(row, public_no=found["public_no"], service_name=name, failed_checks=[_check(r) for r in failed_rows])


async def of_case(conn: Any, application_id: int) -> list[RereviewOut]:
    return [_out(r) for r in await rows(q.requests_of(conn, application_id=application_id))]


async def open_for(conn: Any, user: AuthUser) -> list[RereviewOut]:
    """Staff's open requests, each with its case and the failed checks a reviewer may override."""
    found = await rows(q.open_requests(conn, steps=list(user.steps), all_steps=user.has("admin")))
    checks: dict[int, list[RereviewCheckOut]] = {r["review_id"]: [] for r in found}
    for c in await rows(q.failed_checks_of(conn, review_ids=list(checks))):
        checks[c["review_id"]].append(_check(c))
    return [_out(r, public_no=r["public_no"], service_name=r["service_name"], failed_checks=checks[r["review_id"]])
            for r in found]


async def honour_overrides(conn: Any, application_id: int, results: list[Any]) -> list[Any]:
    """The checks a person overrode for this case count as passed in a new run (their gaps dropped)."""
    codes = {r["code"] for r in await rows(q.overridden_codes(conn, application_id=application_id))}
    for result in results:
        if result.code in codes and result.outcome == "failed":
            result.outcome, result.reason, result.gaps = "passed", "人工复核改判为通过", []
    return results


async def escalate_overdue(conn: Any, today: date, now: datetime) -> int:
    """Requests not answered by their day: the service's leads are told, once (stamped ``now``, the job's clock)."""
    async def leads(row: Any) -> list[int]:
        return [r["id"] for r in await rows(q.leads(conn, service_code=row["service_code"]))]

    return await notify.escalate_once(conn, await rows(q.overdue_requests(conn, today=today)),
                                      mark=lambda row: q.mark_escalated(conn, id=row["id"], at=now),
                                      recipients=leads, event="task_overdue", key="rereview_overdue", title="人工复核")
