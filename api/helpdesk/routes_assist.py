"""F139 帮办代办 requests and 服务管家 (logic: api/helpdesk/service/assist.py). The callbacks they
create are worked in the help desk's callback routes (api/helpdesk/routes.py)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from api import clock
from api.auth.guards import requires_login, requires_staff
from api.deps import Conn, CurrentUser
from api.helpdesk.schemas_assist import AssistRequestIn, AssistRequestOut, CaseStewardOut, StewardOut
from api.helpdesk.service import assist
from api.idempotency import IdempotencyKey, run_once


class AssistController(Controller):
    path = "/assist"
    tags = ["assist"]
    guards = [requires_login]

    @post("/requests", operation_id="assistRequest", summary="帮办代办：选择事项并提交需求（导航员1个工作日内来电）",
          status_code=201)
    async def request(self, data: JSONBody[AssistRequestIn], conn: Conn, user: CurrentUser, state: State,
                      idempotency_key: IdempotencyKey = None) -> AssistRequestOut:
        return await run_once(conn, user_id=user.id, scope="assist.request", key=idempotency_key, payload=data,
                              action=lambda: assist.request_help(conn, user, data, now=clock.now(state)),
                              result_type=AssistRequestOut)

    @get("/requests", operation_id="assistMyRequests", summary="我的帮办代办申请")
    async def my_requests(self, conn: Conn, user: CurrentUser) -> list[AssistRequestOut]:
        return await assist.my_requests(conn, user)

    @get("/requests/{request_id:int}", operation_id="assistMyRequest", summary="帮办代办申请详情")
    async def my_request(self, request_id: FromPath[int], conn: Conn, user: CurrentUser) -> AssistRequestOut:
        return await assist.my_request(conn, user, request_id)

    @post("/steward", operation_id="assistAskSteward", summary="新开办运输企业申请服务管家（首次办事起180天）",
          status_code=201)
    async def ask_steward(self, conn: Conn, user: CurrentUser, state: State) -> StewardOut:
        return await assist.ask_for_steward(conn, user, now=clock.now(state))

    @get("/steward", operation_id="assistMySteward", summary="本企业的服务管家")
    async def steward(self, conn: Conn, user: CurrentUser, state: State) -> StewardOut:
        return await assist.my_steward(conn, user, now=clock.now(state))

    @get("/cases/{application_id:int}/steward", operation_id="assistCaseSteward", summary="办件的服务管家")
    async def case_steward(self, application_id: FromPath[int], conn: Conn, user: CurrentUser,
                           state: State) -> CaseStewardOut:
        if user.is_staff:  # staff read it on the task (below); the applicant route is the applicant's
            raise assist.AssistCaseNotFound()
        return await assist.case_steward(conn, user, application_id, now=clock.now(state))


class TaskStewardController(Controller):
    path = "/assist/tasks"
    tags = ["assist"]
    guards = [requires_staff]

    @get("/{application_id:int}/steward", operation_id="assistTaskSteward", summary="办件的服务管家（工作人员）")
    async def task_steward(self, application_id: FromPath[int], conn: Conn, user: CurrentUser,
                           state: State) -> CaseStewardOut:
        return await assist.case_steward(conn, user, application_id, now=clock.now(state), as_staff=True)
