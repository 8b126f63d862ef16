"""The applicant's rights during a case (issue 23): the promised clock and its pauses (F106), and the
manual re-review of the automatic review (F051: the applicant asks; staff answer)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from api import clock
from api.applications import service
from api.applications.schemas_rights import CaseClockOut, RereviewDecisionIn, RereviewIn, RereviewOut
from api.auth.guards import requires_approver, requires_login
from api.deps import Conn, CurrentUser, Now
from api.idempotency import IdempotencyKey, run_once


class CaseRightsController(Controller):
    path = "/applications"
    tags = ["applications"]
    guards = [requires_login]

    @get("/{application_id:int}/clock", operation_id="getApplicationClock",
         summary="办理时限：预计办结日期与暂停计时（考试、现场核查、技术评估、补正不计入）")
    async def case_clock(self, conn: Conn, user: CurrentUser, application_id: FromPath[int], now: Now) -> CaseClockOut:
        app = await service.readable(conn, user, application_id)
        return await service.clock_of(conn, app["id"], clock.local_day(now))

    @post("/{application_id:int}/rereview", operation_id="requestRereview",
          summary="对智能审核结果申请人工复核（每次提交一次，1个工作日内处理）", status_code=201)
    async def request_rereview(self, conn: Conn, user: CurrentUser, application_id: FromPath[int],
                               data: JSONBody[RereviewIn], now: Now,
                               idempotency_key: IdempotencyKey = None) -> RereviewOut:
        return await run_once(conn, user_id=user.id, scope=f"applications.rereview.{application_id}",
                              key=idempotency_key, payload=data, result_type=RereviewOut,
                              action=lambda: service.request_rereview(conn, user, application_id, data.reason, now))


class RereviewController(Controller):
    path = "/rereviews"
    tags = ["applications"]
    guards = [requires_approver]

    @get("/", operation_id="listRereviews", summary="待处理的人工复核申请（本人办理的事项）")
    async def list_open(self, conn: Conn, user: CurrentUser) -> list[RereviewOut]:
        return await service.open_rereviews(conn, user)

    @post("/{rereview_id:int}/decision", operation_id="decideRereview",
          summary="处理人工复核：维持智能审核结果或改判核查项", status_code=200)
    async def decide(self, conn: Conn, user: CurrentUser, rereview_id: FromPath[int],
                     data: JSONBody[RereviewDecisionIn], now: Now) -> RereviewOut:
        return await service.decide_rereview(conn, user, rereview_id, data, now)
