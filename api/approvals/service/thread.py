"""联系审批人员 (FAQ F102 "受理后不能自行修改，如发现错误，请在办件详情中点击“联系审批人员”…"): after
acceptance, a thread on the case between its applicant and the staff of the step it waits at —
not the help desk. Each side is told of the other's message (``case_message``). Staff appear by
their step ("审批人员（审核）"), never by name or phone.

Public: ``post_as_applicant``, ``post_as_staff``, ``thread_for_applicant``, ``thread_for_staff``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import notify
from api.approvals.schemas_rights import CaseMessageOut
from api.approvals.rules import may_act
from api.approvals.service.tasks import acting_task, task
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.errors import Conflict, NotFound

q = load_queries(Path(__file__).parents[1], "thread.sql")


class ThreadNotFound(NotFound):
    """没有找到该办件。"""

    code = "thread_not_found"


class ThreadNotOpen(Conflict):
    """办件受理后才能联系审批人员；受理前可撤回申请修改后重新提交。"""

    code = "thread_not_open"


def _out(row: Any) -> CaseMessageOut:
    who = f"审批人员（{row['step_name']}）" if row["from_staff"] and row["step_name"] else \
        ("审批人员" if row["from_staff"] else "申请人")
    return CaseMessageOut(id=row["id"], from_staff=row["from_staff"], sender=who, text=row["body"],
                          at=row["created_at"])


async def _own_case(conn: Any, user: AuthUser, application_id: int) -> Any:
    case = await q.case_of(conn, application_id=application_id)
    if case is None or case["applicant_id"] != user.id:
        raise ThreadNotFound()
    return case


async def thread_for_applicant(conn: Any, user: AuthUser, application_id: int) -> list[CaseMessageOut]:
    await _own_case(conn, user, application_id)
    return [_out(r) for r in await rows(q.messages_of(conn, application_id=application_id))]


async def post_as_applicant(conn: Any, user: AuthUser, application_id: int, text: str) -> CaseMessageOut:
    case = await _own_case(conn, user, application_id)
    if case["accepted_at"] is None or case["step"] is None:
        raise ThreadNotOpen(faq="F102")
    row = await q.insert_message(conn, application_id=case["id"], sender_id=user.id, from_staff=False,
                                 step=case["step"], body=text.strip())
    staff = [case["assignee_id"]] if case["assignee_id"] else \
        [r["id"] for r in await rows(q.step_approvers(conn, step=case["step"]))]
    for staff_id in staff:
        await notify.enqueue(conn, user_id=staff_id, event="case_message", dedupe_key=f"case_message:{row['id']}:{staff_id}",
                             subject=("application", case["id"]),
                             params={"publicNo": case["public_no"], "serviceName": case["service_name"],
                                     "text": text.strip()[:100]})
    return _out({**dict(row), "step_name": case["step_name"]})


async def thread_for_staff(conn: Any, user: AuthUser, task_id: int) -> list[CaseMessageOut]:
    task = await acting_task(conn, user, task_id)
    return [_out(r) for r in await rows(q.messages_of(conn, application_id=task.application_id))]


async def thread_for_page(conn: Any, user: AuthUser, task_id: int) -> list[CaseMessageOut] | None:
    """The console's task page: the thread when the viewer may answer it, else None (no section)."""
    found = await task(conn, task_id)
    if not may_act(user, found.step, found.role) or await q.own_case(conn, staff_id=user.id,
                                                                     application_id=found.application_id):
        return None
    return [_out(r) for r in await rows(q.messages_of(conn, application_id=found.application_id))]


async def post_as_staff(conn: Any, user: AuthUser, task_id: int, text: str) -> CaseMessageOut:
    task = await acting_task(conn, user, task_id)
    case = await q.case_of(conn, application_id=task.application_id)
    row = await q.insert_message(conn, application_id=task.application_id, sender_id=user.id, from_staff=True,
                                 step=task.step, body=text.strip())
    await notify.enqueue(conn, user_id=case["applicant_id"], event="case_message",
                         dedupe_key=f"case_message:{row['id']}:{case['applicant_id']}",
                         subject=("application", case["id"]),
                         params={"publicNo": case["public_no"], "serviceName": case["service_name"],
                                 "text": text.strip()[:100]})
    return _out({**dict(row), "step_name": task.step_name})
