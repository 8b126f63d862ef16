"""Which staff may read a whole case (form, materials, ID numbers) outside their task queue.

A bureau shows a case to the people working on it, not to every staff account: an approver reads
a case that is or was at a step they hold (``AuthUser.steps``) or that they acted on (a task they
held, a decision they signed, an event of its timeline); leads and admins read every case.
Help-desk agents read only the public progress page (no materials, no ID numbers).

Every look a staff member takes at a case's personal data is recorded (F145 "每次查看都留有记录",
table ``case_views``, append-only): the task detail and its files record themselves in the same
statement that reads them (``detail.get_task``, ``detail.material_stream``), and so does the
delivery list (the licences area's ``list_deliveries``: names and postal addresses); the whole-case read
through the applicant routes records through ``read_case``. The applicant reads the record of their
own case (``access_log``), an admin every record (``views_for_audit``).

Public functions (the applications area calls them for ``GET /applications/{id}`` and its files):
``await may_read_case(conn, user, app) -> bool`` with ``app`` the applications area's ``Case``;
``await read_case(conn, user, app, what=..., material_code=..., page_no=...) -> bool``: the same
check, and the look recorded when it passes.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

from api.applications.service import ApplicationNotFound, Case
from api.approvals.schemas_access import CaseAccessLog, CaseViewAuditOut, CaseViewAuditPage, CaseViewOut
from api.approvals.service.tasks import current_step
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.types import mask_name

q = load_queries(Path(__file__).parents[1])

READ_ALL_ROLES = ("admin", "lead")


async def may_read_case(conn: Any, user: AuthUser, app: Case) -> bool:
    if user.has(*READ_ALL_ROLES):
        return True
    if not user.has("approver"):
        return False
    if user.steps and await current_step(conn, app.id, app.service_code, app.status) in user.steps:
        return True
    return bool(await q.case_reached_by(conn, application_id=app.id, user_id=user.id, steps=list(user.steps)))


# An 18-character resident ID as a form holds it (checksum or not: a wrong one is still someone's).
_RESIDENT_ID = re.compile(r"^\d{17}[\dXx]$")


def shows_id_number(value: Any) -> bool:
    """Whether a form (any nesting: a company's list of drivers too) holds a resident ID number."""
    if isinstance(value, str):
        return bool(_RESIDENT_ID.match(value.strip()))
    if isinstance(value, dict):
        return any(shows_id_number(v) for v in value.values())
    if isinstance(value, list):
        return any(shows_id_number(v) for v in value)
    return False


async def read_case(conn: Any, user: AuthUser, app: Case, *, what: str = "detail", material_code: str | None = None,
                    page_no: int | None = None) -> bool:
    """``may_read_case``, and the look recorded when it passes. The record is written in the
    request's transaction: a read that then fails (no such file) leaves none behind."""
    if not await may_read_case(conn, user, app):
        return False
    await q.record_case_view(conn, application_id=app.id, viewer_id=user.id, what=what,
                             material_code=material_code, page_no=page_no,
                             id_number_shown=what == "detail" and shows_id_number(app.form))
    return True


def _describe(row: Any) -> str:
    if row["what"] == "delivery":
        return "查看了证件寄送信息（收件人、地址）"
    if row["what"] == "detail":
        return "查看了办件详情（含身份证号）" if row["id_number_shown"] else "查看了办件详情"
    name = row["material_name"] or row["material_code"]
    return f"查看了材料：{name}" + (f"（第{row['page_no']}页）" if row["what"] == "page" else "")


async def access_log(conn: Any, user: AuthUser, application_id: int) -> CaseAccessLog:
    """Who at the bureau looked at the caller's own case and when (F145); anyone else's case does
    not exist for the caller (404). Staff names are masked as every name shown to others."""
    if await q.own_application(conn, id=application_id, applicant_id=user.id) is None:
        raise ApplicationNotFound()
    items = [CaseViewOut(at=r["viewed_at"], staff=mask_name(r["viewer_name"]) or "工作人员", what=r["what"],
                         description=_describe(r), step_name=r["step_name"], material_code=r["material_code"],
                         page_no=r["page_no"], id_number_shown=r["id_number_shown"])
             for r in await rows(q.views_of_case(conn, application_id=application_id))]
    return CaseAccessLog(application_id=application_id, items=items)


async def views_for_audit(conn: Any, *, viewer_id: int | None, application_id: int | None, cursor: str | None,
                          limit: int) -> CaseViewAuditPage:
    """Every recorded look, newest first, of one staff member or one case when asked (an audit)."""
    found = await rows(q.views_for_audit(conn, viewer_id=viewer_id, application_id=application_id,
                                         before=int(cursor) if cursor else None, lim=limit + 1))
    items = [CaseViewAuditOut(id=r["id"], at=r["viewed_at"], viewer_id=r["viewer_id"], viewer_name=r["viewer_name"],
                              application_id=r["application_id"], public_no=r["public_no"], via=r["via"],
                              task_id=r["task_id"], what=r["what"], material_code=r["material_code"],
                              page_no=r["page_no"], id_number_shown=r["id_number_shown"],
                              delivery_id=r["delivery_id"])
             for r in found[:limit]]
    return CaseViewAuditPage(items=items, next_cursor=str(items[-1].id) if len(found) > limit else None)
