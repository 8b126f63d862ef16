from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from api.appointments import service, slots, waitlist
from api.appointments.schemas import (
    AppointmentOut,
    AssignExamIn,
    BookIn,
    CheckInIn,
    CheckInOut,
    GenerateIn,
    GenerateOut,
    RescheduleIn,
    SiteOut,
    SlotOut,
    WaitlistIn,
    WaitlistOut,
)
from api.auth.guards import requires_admin, requires_approver, requires_login, requires_staff
from api.deps import Conn, CurrentUser, Now, Pool
from api.idempotency import IdempotencyKey, run_once
from api.identity import require_verified, require_verified_claim


def _policy(state: State) -> Any:
    return state.get("appointment_policy") or service.DEFAULT_POLICY


DEPENDENCIES = {"policy": Provide(_policy, sync_to_thread=False)}
BookingPolicy = NamedDependency[Any]  # service.Policy
ServiceCodeQuery = Annotated[str | None, QueryParameter(name="serviceCode", pattern=r"^[a-z][a-z0-9-]{1,63}$")]
SiteIdQuery = Annotated[int | None, QueryParameter(name="siteId", ge=1)]


class SitesController(Controller):
    path = "/"
    tags = ["appointments"]
    guards = [requires_login]
    dependencies = DEPENDENCIES

    @get("/sites", operation_id="listSites", summary="办事网点（窗口、检测站、考场）")
    async def sites(self, conn: Conn) -> list[SiteOut]:
        return await slots.list_sites(conn)

    @get("/slots", operation_id="listSlots", summary="可预约时段及余号")
    async def slots(self, conn: Conn, now: Now, policy: BookingPolicy, service_code: ServiceCodeQuery = None,
                    site_id: SiteIdQuery = None,
                    day: Annotated[date | None, QueryParameter(name="date")] = None) -> list[SlotOut]:
        return await slots.list_slots(conn, now=now, service_code=service_code, site_id=site_id, day=day,
                                      policy=policy)


class AppointmentController(Controller):
    path = "/appointments"
    tags = ["appointments"]
    guards = [requires_login]
    dependencies = DEPENDENCIES

    @post("/", operation_id="bookAppointment", summary="预约时段", status_code=201)
    async def book(self, data: JSONBody[BookIn], pool: Pool, user: CurrentUser, now: Now, policy: BookingPolicy,
                   idempotency_key: IdempotencyKey = None) -> AppointmentOut:
        await require_verified_claim(pool, user)  # F088, from the token: a verified claim reads no identity row
        return await service.book_online(pool, user_id=user.id, slot_id=data.slot_id, now=now,
                                         idempotency_key=idempotency_key, payload=data, policy=policy,
                                         application_id=data.application_id, subject=user)

    @get("/", operation_id="listMyAppointments", summary="我的预约")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[AppointmentOut]:
        return await service.list_for_user(conn, user=user)

    @get("/{appointment_id:int}", operation_id="getAppointment", summary="预约详情")
    async def one(self, appointment_id: FromPath[int], conn: Conn, user: CurrentUser) -> AppointmentOut:
        return await service.get_for_user(conn, user=user, appointment_id=appointment_id)

    @get("/{appointment_id:int}/qr.png", operation_id="getAppointmentQr", summary="预约码二维码",
         media_type="image/png")
    async def qr(self, appointment_id: FromPath[int], conn: Conn, user: CurrentUser) -> bytes:
        return await service.qr_png(conn, user=user, appointment_id=appointment_id)

    @post("/{appointment_id:int}/cancel", operation_id="cancelAppointment", summary="取消预约", status_code=200)
    async def cancel(self, appointment_id: FromPath[int], conn: Conn, user: CurrentUser, now: Now,
                     policy: BookingPolicy) -> AppointmentOut:
        return await service.cancel(conn, user=user, appointment_id=appointment_id, now=now, policy=policy)

    @post("/{appointment_id:int}/reschedule", operation_id="rescheduleAppointment", summary="改约", status_code=200)
    async def reschedule(self, appointment_id: FromPath[int], data: JSONBody[RescheduleIn], conn: Conn, user: CurrentUser,
                         now: Now, policy: BookingPolicy) -> AppointmentOut:
        return await service.reschedule(conn, user=user, appointment_id=appointment_id, slot_id=data.slot_id,
                                        now=now, policy=policy)

    @post("/{appointment_id:int}/check-in", operation_id="checkInAppointment", summary="窗口签到（工作人员）",
          status_code=200, guards=[requires_staff])
    async def check_in(self, appointment_id: FromPath[int], conn: Conn, now: Now, policy: BookingPolicy) -> CheckInOut:
        return await service.check_in_desk(conn, now=now, appointment_id=appointment_id, policy=policy)

    @post("/check-in", operation_id="checkInByCode", summary="扫预约码签到（工作人员）", status_code=200,
          guards=[requires_staff])
    async def check_in_by_code(self, data: JSONBody[CheckInIn], conn: Conn, now: Now,
                               policy: BookingPolicy) -> CheckInOut:
        return await service.check_in_desk(conn, now=now, code=data.code, policy=policy)


class WaitlistController(Controller):
    path = "/waitlist"
    tags = ["appointments"]
    guards = [requires_login]
    dependencies = DEPENDENCIES

    @post("/", operation_id="joinWaitlist", summary="登记候补", status_code=201)
    async def join(self, data: JSONBody[WaitlistIn], conn: Conn, user: CurrentUser, now: Now,
                   policy: BookingPolicy) -> WaitlistOut:
        await require_verified(conn, user.id)
        return await waitlist.join(conn, user_id=user.id, data=data, now=now, policy=policy, subject=user)


class AppointmentAdminController(Controller):
    path = "/admin"
    tags = ["appointments"]
    dependencies = DEPENDENCIES

    @post("/slots/generate", operation_id="generateSlots", summary="按排班生成预约时段", status_code=200,
          guards=[requires_admin])
    async def generate(self, data: JSONBody[GenerateIn], conn: Conn) -> GenerateOut:
        return await slots.generate(conn, data)

    @post("/exam-assignments", operation_id="assignExamSlot", summary="为申请人安排考试场次", status_code=201,
          guards=[requires_approver])
    async def assign(self, data: JSONBody[AssignExamIn], conn: Conn, user: CurrentUser, now: Now,
                     policy: BookingPolicy, idempotency_key: IdempotencyKey = None) -> AppointmentOut:
        return await run_once(conn, user_id=user.id, scope="appointments.assign_exam", key=idempotency_key,
                              payload=data,
                              action=lambda: service.assign_exam_slot(
                                  conn, user_id=data.user_id, service_code=data.service_code, slot_id=data.slot_id,
                                  application_id=data.application_id, actor_id=user.id, now=now, policy=policy),
                              result_type=AppointmentOut)
