"""Approver pages after the decision: exam sessions and results, licence delivery (EMS shipping,
re-shipping, window hand-over), and window check-in by booking code.

Every action calls the same service functions, with the same guards, as ``/api/v1/tasks``,
``/api/v1/deliveries`` and ``/api/v1/appointments/check-in``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.appointments import service as appointments
from api.appointments import slots
from api.appointments.routes import DEPENDENCIES as BOOKING_DEPENDENCIES
from api.appointments.routes import BookingPolicy
from api.appointments.schemas import CheckInIn, SlotOut
from api.approvals.service import detail as task_details
from api.approvals.schemas_detail import TaskDetail
from api.auth.guards import requires_approver, requires_staff
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn, Now
from api.exams import service as exams
from api.exams.schemas import ExamResultIn
from api.licences.service import delivery
from api.licences.schemas import HandOverIn, ReshipmentIn, ShipmentIn

DeliveryStatus = Literal["pending", "shipped", "picked_up"]


async def exam_slots(conn: Any, detail: TaskDetail, *, now: datetime, policy: Any) -> list[SlotOut]:
    """Exam sessions with seats an approver can put a waiting case on (the API's slot list)."""
    if detail.task.status != "waiting_exam":
        return []
    found = await slots.list_slots(conn, now=now, service_code=detail.task.service_code, site_id=None, day=None,
                                   policy=policy)
    return [s for s in found if s.kind == "exam" and s.bookable and s.seats_left > 0][:30]


class ExamInvitationPages(Controller):
    path = "/exams"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleExamInvitations", summary="工作台：考试邀请")
    async def index(self, request: Request, conn: Conn, now: Now) -> Template:
        return page("exams.html", request, active="exams",
                    items=await console.exam_invitations(conn, request.user, now=now))


class ExamPages(Controller):
    path = "/tasks"
    include_in_schema = False
    guards = [requires_approver]
    dependencies = BOOKING_DEPENDENCIES

    @post("/{task_id:int}/exam-slot", operation_id="consoleExamSlot", summary="工作台：安排考试场次",
          status_code=200)
    async def exam_slot(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now,
                        policy: BookingPolicy) -> Template:
        form = await request.form()
        done = await exams.assign_exam_slot(conn, request.user, task_id,
                                                 forms.positive_int(form, "slot_id", "考试场次"))
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        return page("_task.html", request, t=detail, exam_slots=await exam_slots(conn, detail, now=now, policy=policy),
                    note=f"已安排考试：{done['siteName']}，预约码 {done['code']}")

    @post("/{task_id:int}/exam-result", operation_id="consoleExamResult", summary="工作台：录入考试成绩",
          status_code=200)
    async def exam_result(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now,
                          policy: BookingPolicy) -> Template:
        data = forms.exam_result(await request.form(), ExamResultIn)
        exam = await exams.record_exam_result(conn, request.user, task_id, data, now=now)
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        note = ("考试合格，已准予许可并发证" if exam.status == "passed"
                else "成绩已录入：有科目未合格，已通知申请人预约补考")
        return page("_task.html", request, t=detail, exam_slots=await exam_slots(conn, detail, now=now, policy=policy),
                    note=note)


class DeliveryPages(Controller):
    path = "/deliveries"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleDeliveries", summary="工作台：证件寄送与窗口领取")
    async def index(self, request: Request, conn: Conn,
                    status: Annotated[DeliveryStatus, QueryParameter(name="status")] = "pending") -> Template:
        items, _ = await delivery.list_deliveries(conn, request.user, status=status, method=None, cursor=None,
                                                    limit=100)
        return page("deliveries.html", request, active="deliveries", items=items, status=status)

    @post("/{delivery_id:int}/shipment", operation_id="consoleShipLicence", summary="工作台：登记快递单号",
          status_code=200)
    async def ship(self, request: Request, conn: Conn, delivery_id: FromPath[int]) -> Template:
        data = console.convert(forms.given(await request.form(), "tracking_no", rename={"tracking_no": "trackingNo"}),
                               ShipmentIn)
        d = await delivery.ship(conn, request.user, delivery_id, data.tracking_no)
        return page("_delivery.html", request, d=d, note=f"已寄出，EMS 单号 {d.tracking_no}")

    @post("/{delivery_id:int}/reshipment", operation_id="consoleReshipLicence", summary="工作台：补发证件",
          status_code=200)
    async def reship(self, request: Request, conn: Conn, delivery_id: FromPath[int]) -> Template:
        data = console.convert(forms.given(await request.form(), "tracking_no", "reason", "address",
                                           rename={"tracking_no": "trackingNo"}), ReshipmentIn)
        d = await delivery.reship(conn, request.user, delivery_id, data)
        return page("_delivery.html", request, d=d, note=f"已补发，新 EMS 单号 {d.tracking_no}")

    @post("/{delivery_id:int}/pickup", operation_id="consoleHandOverLicence", summary="工作台：窗口领取登记",
          status_code=200)
    async def hand_over(self, request: Request, conn: Conn, delivery_id: FromPath[int]) -> Template:
        data = forms.hand_over(await request.form(), HandOverIn)
        d = await delivery.hand_over(conn, request.user, delivery_id, data)
        who = "代领人" if d.collected_by == "proxy" else "本人"
        return page("_delivery.html", request, d=d, note=f"已由{who}领取")


class CheckInPages(Controller):
    path = "/check-in"
    include_in_schema = False
    guards = [requires_staff]  # as POST /api/v1/appointments/check-in
    dependencies = BOOKING_DEPENDENCIES  # the booking policy of the API

    @get("/", operation_id="consoleCheckIn", summary="工作台：窗口签到")
    async def form(self, request: Request) -> Template:
        return page("check_in.html", request, active="check-in")

    @post("/", operation_id="consoleCheckInByCode", summary="工作台：按预约码签到", status_code=200)
    async def check_in(self, request: Request, conn: Conn, now: Now, policy: BookingPolicy) -> Template:
        code = (await request.form()).get("code") or ""
        data = console.convert({"code": code.strip().upper()}, CheckInIn)
        done = await appointments.check_in_desk(conn, now=now, code=data.code, policy=policy)
        return page("_checked_in.html", request, c=done)
