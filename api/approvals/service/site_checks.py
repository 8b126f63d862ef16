"""F071 "维修备案后会有人上门检查吗": for 一类、二类 repair filings the bureau checks the site within 30
days of the filing (场地、设备、人员与备案一致), agrees the time with the company beforehand, and a
site not as filed gets ONE rectification notice naming every item (一次性告知).

A check is created for every approved repair filing whose category answer is class1 or class2
(``schedule_new``: called when the decision issues the receipt, ``outcome.approve_final``, and again
before the staff list as a net for any other way a filing gets approved), due on the decision's
day + 30 days. Approvers, leads and admins list the open checks (overdue first), agree the visit's
time and address (the company is told), and record pass or fail; a fail needs the complete list
of items and sends the one notice; a second result, and so a second notice, is refused. The
company sees the checks of its own filing only (someone else's: 404). A check still open after its
30 days is escalated once to the leads of the service's steps (``escalate_overdue``, jobs/rights.py,
beside re-reviews and 催办); a later run sends nothing.

Public: ``schedule_new(conn)``; ``open_checks``; ``agree``; ``record_result``; ``of_case``;
``escalate_overdue``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec

import notify
from api import clock
from api.applications import service as applications
from api.approvals.schemas_site_checks import RectificationItem, SiteCheckOut, SiteCheckResultIn, VisitIn
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.errors import Conflict, NotFound, Unprocessable

q = load_queries(Path(__file__).parents[1], "site_checks.sql")

SERVICE_NAME = "机动车维修经营备案"


class SiteCheckNotFound(NotFound):
    """没有找到该现场核查。"""

    code = "site_check_not_found"


class SiteCheckClosed(Conflict):
    """该现场核查已记录结果，不能再约定时间。"""

    code = "site_check_closed"


class SiteVisitNotAgreed(Conflict):
    """请先与企业约定上门核查时间，再记录核查结果。"""

    code = "site_visit_not_agreed"


class SiteVisitInPast(Unprocessable):
    """约定的上门核查时间不能早于现在。"""

    code = "site_visit_in_past"


class SiteCheckResultRecorded(Conflict):
    """该现场核查已记录结果；整改事项已一次性告知，不能再发第二份整改通知。"""

    code = "site_check_result_recorded"


class RectificationItemsRequired(Unprocessable):
    """核查不通过时，须一次性列明需要整改的全部事项。"""

    code = "rectification_items_required"


class RectificationItemsOnPass(Unprocessable):
    """核查通过时不列整改事项。"""

    code = "rectification_items_on_pass"


def _out(record: Any, today: date) -> SiteCheckOut:
    row = dict(record)
    items = row["notice_items"]
    return SiteCheckOut(
        id=row["id"], application_id=row["application_id"], category=row["category"], due_on=row["due_on"],
        status=row["status"], overdue=row["status"] in ("scheduled", "agreed") and row["due_on"] < today,
        escalated=row.get("escalated_at") is not None,
        public_no=row.get("public_no"), company_name=row.get("company_name"), site_address=row.get("site_address"),
        visit_at=row["visit_at"], visit_address=row["visit_address"], result_at=row["result_at"],
        result_note=row["result_note"], notice_sent_at=row["notice_sent_at"],
        rectification_items=msgspec.convert(items, list[RectificationItem]) if items is not None else None)


def _params(check: Any, **more: Any) -> dict[str, Any]:
    return {"serviceName": SERVICE_NAME, "publicNo": check["public_no"], **more}


async def schedule_new(conn: Any) -> int:
    """A check for each approved class-1/2 repair filing that has none (idempotent)."""
    return len(await rows(q.schedule_new(conn)))


async def open_checks(conn: Any, now: datetime) -> list[SiteCheckOut]:
    """The open checks, overdue first, then by due date (approvers, leads, admins)."""
    await schedule_new(conn)
    today = clock.local_day(now)
    return [_out(r, today) for r in await rows(q.open_checks(conn, today=today))]


async def _check(conn: Any, check_id: int) -> Any:
    found = await q.get_check(conn, id=check_id)
    if found is None:
        raise SiteCheckNotFound()
    return found


async def agree(conn: Any, user: AuthUser, check_id: int, data: VisitIn, now: datetime) -> SiteCheckOut:
    """The visit's time agreed with the company by phone; the company is told (a changed time too)."""
    found = await _check(conn, check_id)
    if found["status"] not in ("scheduled", "agreed"):
        raise SiteCheckClosed(status=found["status"])
    visit_at = data.visit_at if data.visit_at.tzinfo else data.visit_at.replace(tzinfo=clock.ZONE)  # Beijing time
    if visit_at < now:
        raise SiteVisitInPast(field="visitAt")
    address = data.address.strip()
    if await q.agree(conn, id=check_id, visit_at=visit_at, visit_address=address, agreed_by=user.id) is None:
        raise SiteCheckClosed()
    at = visit_at.astimezone(clock.ZONE)
    await notify.enqueue(conn, user_id=found["applicant_id"], event="site_visit_agreed",
                         params=_params(found, visitAt=at.strftime("%Y-%m-%d %H:%M"), address=address),
                         dedupe_key=f"site_visit_agreed:{check_id}:{at.isoformat()}",
                         subject=("application", found["application_id"]))
    return _out(await _check(conn, check_id), clock.local_day(now))


async def record_result(conn: Any, user: AuthUser, check_id: int, data: SiteCheckResultIn,
                        now: datetime) -> SiteCheckOut:
    """pass, or fail with every item: one rectification notice, never a second one."""
    found = await _check(conn, check_id)
    if found["status"] in ("passed", "failed"):
        raise SiteCheckResultRecorded(status=found["status"], faq="F071")
    if found["status"] != "agreed":
        raise SiteVisitNotAgreed()
    items = [RectificationItem(item=i.item.strip(), requirement=i.requirement.strip()) for i in data.items]
    if data.result == "fail" and not items:
        raise RectificationItemsRequired(field="items", faq="F071")
    if data.result == "pass" and items:
        raise RectificationItemsOnPass(field="items")
    status = "failed" if data.result == "fail" else "passed"
    stored = [msgspec.to_builtins(i) for i in items] if items else None
    if await q.record_result(conn, id=check_id, status=status, result_by=user.id, result_at=now,
                             result_note=data.note.strip() or None, notice_items=stored) is None:
        raise SiteCheckResultRecorded(faq="F071")
    if status == "failed":
        listed = "；".join(f"{n}. {i.item}" + (f"（{i.requirement}）" if i.requirement else "")
                          for n, i in enumerate(items, 1))
        await notify.enqueue(conn, user_id=found["applicant_id"], event="site_check_rectification",
                             params=_params(found, items=listed, count=len(items)),
                             dedupe_key=f"site_check_rectification:{check_id}",
                             subject=("application", found["application_id"]))
    else:
        await notify.enqueue(conn, user_id=found["applicant_id"], event="site_check_passed", params=_params(found),
                             dedupe_key=f"site_check_passed:{check_id}",
                             subject=("application", found["application_id"]))
    return _out(await _check(conn, check_id), clock.local_day(now))


async def of_case(conn: Any, user: AuthUser, application_id: int, now: datetime) -> list[SiteCheckOut]:
    """The company's own filing's checks (someone else's case: 404)."""
    await applications.owned(conn, user, application_id)
    await schedule_new(conn)
    today = clock.local_day(now)
    return [_out(r, today) for r in await rows(q.checks_of_case(conn, application_id=application_id))]


async def escalate_overdue(conn: Any, today: date, now: datetime) -> int:
    """Open checks past their 30 days: the leads of the filing service's steps are told, once per check."""
    await schedule_new(conn)
    async def leads(row: Any) -> list[int]:
        return [r["id"] for r in await rows(q.leads(conn, service_code=row["service_code"]))]

    return await notify.escalate_once(conn, await rows(q.overdue_checks(conn, today=today)),
                                      mark=lambda row: q.mark_escalated(conn, id=row["id"], at=now),
                                      recipients=leads, event="task_overdue", key="site_check_overdue", title="现场核查")
