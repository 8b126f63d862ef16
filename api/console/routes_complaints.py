"""Complaint pages for admins and leads: the queue (the complainant masked, F144), one complaint,
assign, answer within 5 working days, close. The same service functions, guard and clock as
``/api/v1/admin/complaints``."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.auth.service import staff as staff_accounts
from api.complaints import service as complaints
from api.complaints.routes import CLOCK, Clock, requires_complaint_handler
from api.complaints.schemas import AnswerIn, AssignIn, CloseIn, Status
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn

CATEGORY_LABELS = {"complaint": "投诉", "suggestion": "建议", "report": "举报"}
TARGET_LABELS = {"application": "办件", "window": "窗口", "staff": "工作人员", "app": "掌上办", "other": "其他"}
STATUS_LABELS = {"received": "待分派", "assigned": "办理中", "answered": "已答复", "closed": "已办结"}
LABELS = {"categories": CATEGORY_LABELS, "targets": TARGET_LABELS, "statuses": STATUS_LABELS}


class ComplaintPages(Controller):
    path = "/admin/complaints"
    include_in_schema = False
    guards = [requires_complaint_handler]
    dependencies = CLOCK

    @get("/", operation_id="consoleComplaints", summary="工作台：投诉建议处理队列")
    async def queue(self, request: Request, conn: Conn,
                    status: Annotated[Status | None, QueryParameter(name="status")] = None) -> Template:
        items = await complaints.admin_list(conn, status=status, overdue=None, assignee_id=None, limit=100, offset=0)
        return page("complaints.html", request, active="complaints", items=items, status=status, **LABELS)

    @get("/{complaint_id:int}", operation_id="consoleComplaint", summary="工作台：投诉建议详情")
    async def detail(self, request: Request, conn: Conn, complaint_id: FromPath[int]) -> Template:
        return await _page(request, conn, complaint_id, "complaint.html")

    @post("/{complaint_id:int}/assign", operation_id="consoleComplaintAssign", summary="工作台：分派投诉建议",
          status_code=200)
    async def assign(self, request: Request, conn: Conn, complaint_id: FromPath[int]) -> Template:
        form = await request.form()
        data = console.convert({"assigneeId": forms.positive_int(form, "assignee_id", "承办人"),
                                **forms.given(form, "note")}, AssignIn)
        await complaints.assign(conn, request.user, complaint_id, data)
        return await _page(request, conn, complaint_id, "_complaint.html", note="已分派")

    @post("/{complaint_id:int}/answer", operation_id="consoleComplaintAnswer", summary="工作台：答复投诉建议",
          status_code=200)
    async def answer(self, request: Request, conn: Conn, clock: Clock, complaint_id: FromPath[int]) -> Template:
        data = console.convert(forms.given(await request.form(), "text"), AnswerIn)
        await complaints.answer(conn, request.user, complaint_id, data, now=clock())
        return await _page(request, conn, complaint_id, "_complaint.html", note="已答复，已通知投诉人")

    @post("/{complaint_id:int}/close", operation_id="consoleComplaintClose", summary="工作台：办结投诉建议",
          status_code=200)
    async def close(self, request: Request, conn: Conn, clock: Clock, complaint_id: FromPath[int]) -> Template:
        data = console.convert(forms.given(await request.form(), "note"), CloseIn)
        await complaints.close(conn, request.user, complaint_id, data.note, now=clock())
        return await _page(request, conn, complaint_id, "_complaint.html", note="已办结")


async def _page(request: Request, conn: Conn, complaint_id: int, template: str, note: str | None = None) -> Template:
    c = await complaints.admin_view(conn, complaint_id)
    # whom it can go to: active staff, never the person it is about (the service refuses that too)
    staff = [s for s in await staff_accounts.list_staff(conn)
             if not s.disabled and not (c.target_type == "staff" and c.target_id == s.id)]
    return page(template, request, active="complaints", c=c, staff=staff, note=note, **LABELS)
