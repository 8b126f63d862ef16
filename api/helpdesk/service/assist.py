"""F139 帮办代办: "在掌上办'帮办代办'中选择事项并提交需求，导航员会在1个工作日内电话联系您". A request
becomes a help-desk callback (F141's machinery, callbacks.py: list, claim, outcome, escalation of
overdue ones to the leads) due the next working day, handed to a navigator at once: the company's
服务管家 when it has one, else the navigator with the fewest open callbacks.

服务管家: "新开办的运输企业还可申请'服务管家'，首次办事起180天内由专人对接各项审批". A company
(the caller acting for an enterprise) asks once; one named navigator is in charge from the day of
its first case (the request's day, before any case) for 180 days, shown on each of its cases to
the applicant and to staff. A company whose first case is more than 180 days old is not new.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog

from api.auth.schemas import AuthUser
from api.catalogue.service import get_spec, load_workday_overrides
from api.clock import local_day
from api.db import load_queries, rows
from api.errors import Conflict, NotFound
from api.helpdesk.schemas_assist import AssistRequestIn, AssistRequestOut, CaseStewardOut, StewardOut
from api.workdays import add_workdays

log = structlog.get_logger("zsb.helpdesk")
q = load_queries(Path(__file__).parents[1], "assist.sql")

ASSIST_CALLBACK_WORKDAYS = 1  # F139: within 1 working day
STEWARD_DAYS = 180


class NoNavigator(Conflict):
    """暂无在岗导航员，请稍后再试或拨打12328。"""

    code = "assist_no_navigator"


class AssistPhoneRequired(Conflict):
    """导航员将通过电话联系您，请先绑定手机号后再提交帮办代办需求。"""

    code = "assist_phone_required"


class AssistRequestNotFound(NotFound):
    """没有找到该帮办代办申请。"""

    code = "assist_request_not_found"


class StewardForCompaniesOnly(Conflict):
    """服务管家面向新开办的运输企业，请切换到企业身份后申请。"""

    code = "steward_enterprise_only"


class StewardNotNew(Conflict):
    """服务管家仅面向新开办企业：贵企业首次办事已超过180天。"""

    code = "steward_not_new"


class StewardAlreadyAssigned(Conflict):
    """贵企业已申请过服务管家。"""

    code = "steward_already_assigned"


class StewardNotFound(NotFound):
    """贵企业尚未申请服务管家。"""

    code = "steward_not_found"


class AssistCaseNotFound(NotFound):
    """没有找到该办件。"""

    code = "application_not_found"


def _request_out(row: Any) -> AssistRequestOut:
    return AssistRequestOut(id=row["id"], service_code=row["service_code"], need=row["need"],
                            callback_status=row["callback_status"], callback_due_on=row["due_on"],
                            navigator_name=row["agent_name"], created_at=row["created_at"],
                            closed_at=row["closed_at"])


def _steward_out(row: Any, today: date) -> StewardOut:
    return StewardOut(navigator_id=row["agent_id"], navigator_name=row["agent_name"], starts_on=row["starts_on"],
                      ends_on=row["ends_on"], active=row["starts_on"] <= today < row["ends_on"])


async def _active_steward(conn: Any, enterprise_id: int | None, today: date) -> Any:
    if enterprise_id is None:
        return None
    row = await q.steward_of(conn, enterprise_id=enterprise_id)
    return row if row is not None and row["starts_on"] <= today < row["ends_on"] else None


async def request_help(conn: Any, user: AuthUser, data: AssistRequestIn, *, now: datetime) -> AssistRequestOut:
    await get_spec(conn, data.service_code)  # 404 service_not_found for an unknown service
    if not await q.phone_of(conn, user_id=user.id):
        raise AssistPhoneRequired()  # the navigator calls (F139): a number to call is needed
    today = local_day(now)
    steward = await _active_steward(conn, user.enterprise_id, today)
    agent_id = steward["agent_id"] if steward is not None else await q.least_busy_navigator(conn)
    if agent_id is None:
        raise NoNavigator()
    await load_workday_overrides(conn)
    req = await q.add_request(conn, user_id=user.id, enterprise_id=user.enterprise_id,
                              service_code=data.service_code, need=data.need.strip())
    await q.add_callback(conn, user_id=user.id, assist_request_id=req["id"], agent_id=agent_id,
                         due_on=add_workdays(today, ASSIST_CALLBACK_WORKDAYS))
    log.info("assist_requested", request_id=req["id"], service=data.service_code, agent_id=agent_id)
    return _request_out(await q.my_request(conn, id=req["id"], user_id=user.id))


async def my_requests(conn: Any, user: AuthUser) -> list[AssistRequestOut]:
    return [_request_out(r) for r in await rows(q.my_requests(conn, user_id=user.id))]


async def my_request(conn: Any, user: AuthUser, request_id: int) -> AssistRequestOut:
    row = await q.my_request(conn, id=request_id, user_id=user.id)
    if row is None:
        raise AssistRequestNotFound()
    return _request_out(row)


async def ask_for_steward(conn: Any, user: AuthUser, *, now: datetime) -> StewardOut:
    if user.enterprise_id is None:
        raise StewardForCompaniesOnly()
    today = local_day(now)
    if await q.steward_of(conn, enterprise_id=user.enterprise_id) is not None:
        raise StewardAlreadyAssigned()
    first = await q.first_case_day(conn, enterprise_id=user.enterprise_id)
    starts_on = min(first, today) if first is not None else today
    ends_on = starts_on + timedelta(days=STEWARD_DAYS)
    if ends_on <= today:
        raise StewardNotNew(firstCase=starts_on.isoformat())
    agent_id = await q.least_busy_steward(conn, today=today)
    if agent_id is None:
        raise NoNavigator()
    if await q.add_steward(conn, enterprise_id=user.enterprise_id, agent_id=agent_id, requested_by=user.id,
                           starts_on=starts_on, ends_on=ends_on) is None:
        raise StewardAlreadyAssigned()  # a simultaneous request won
    log.info("steward_assigned", enterprise_id=user.enterprise_id, agent_id=agent_id, until=ends_on.isoformat())
    return _steward_out(await q.steward_of(conn, enterprise_id=user.enterprise_id), today)


async def my_steward(conn: Any, user: AuthUser, *, now: datetime) -> StewardOut:
    row = None if user.enterprise_id is None else await q.steward_of(conn, enterprise_id=user.enterprise_id)
    if row is None:
        raise StewardNotFound()
    return _steward_out(row, local_day(now))


async def case_steward(conn: Any, user: AuthUser, application_id: int, *, now: datetime,
                       as_staff: bool = False) -> CaseStewardOut:
    """The 服务管家 shown on a case: to its applicant (or whoever acts for its enterprise) and, through
    the task route (``as_staff``), to staff; anyone else is told the case does not exist."""
    case = await q.case_subject(conn, id=application_id)
    mine = case is not None and (
        as_staff
        or (user.enterprise_id is None and case["applicant_id"] == user.id and case["enterprise_id"] is None)
        or (user.enterprise_id is not None and case["enterprise_id"] == user.enterprise_id))
    if not mine:
        raise AssistCaseNotFound()
    today = local_day(now)
    row = await _active_steward(conn, case["enterprise_id"], today)
    return CaseStewardOut(application_id=application_id, steward=_steward_out(row, today) if row else None)
