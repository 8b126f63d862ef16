from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from api import clock
from api.auth.guards import requires_admin, requires_login
from api.catalogue import service
from api.catalogue.service import calendar, checklist as checklists
from api.catalogue.schemas import (
    Checklist,
    ChecklistIn,
    ServiceDetail,
    ServiceSpec,
    ServiceSummary,
    WorkdayNotice,
    WorkdayNoticeIn,
    WorkdayOverrideIn,
)
from api.deps import AppSettings, Conn, CurrentUser, Now, Pool, ReadConn, Redis

PUBLIC = {"exclude_from_auth": True}


class CatalogueController(Controller):
    path = "/services"
    tags = ["catalogue"]

    @get("/", opt=PUBLIC, operation_id="listServices", summary="办事指南：事项列表（按名称搜索）")
    async def search(self, read_conn: ReadConn, q: Annotated[str | None, QueryParameter(name="q", max_length=50)] = None) -> list[ServiceSummary]:
        return await service.search(read_conn, q)

    @get("/{code:str}", opt=PUBLIC, operation_id="getService", summary="办事指南：事项详情")
    async def detail(self, code: FromPath[str], read_conn: ReadConn) -> ServiceDetail:
        return await service.detail(read_conn, code)

    @get("/{code:str}/form-schema", opt=PUBLIC, operation_id="getServiceFormSchema",
         summary="办事表单的 JSON Schema（与服务端校验同一份）", media_type="application/schema+json")
    async def form_schema(self, code: FromPath[str], read_conn: ReadConn) -> dict[str, Any]:
        return await service.form_schema(read_conn, code)

    @post("/{code:str}/checklist", guards=[requires_login], operation_id="serviceChecklist",
          summary="情形选择：本人适用的材料和表单", status_code=200)
    async def checklist(self, code: FromPath[str], data: JSONBody[ChecklistIn], pool: Pool, user: CurrentUser,
                        redis: Redis, settings: AppSettings, now: Now) -> Checklist:
        # the licence sources are asked before the transaction opens (a slow one holds no connection)
        return await checklists.checklist_asking_first(pool, code, data.answers, user_id=user.id, redis=redis,
                                                       settings=settings, enterprise_id=user.enterprise_id,
                                                       on=clock.local_day(now))


class CatalogueAdminController(Controller):
    path = "/admin"
    tags = ["catalogue"]
    guards = [requires_admin]

    @put("/services/{code:str}", operation_id="adminSaveService", summary="编辑办事事项")
    async def save(self, code: FromPath[str], data: JSONBody[ServiceSpec], conn: Conn) -> ServiceDetail:
        return await service.admin_save(conn, code, data)

    @put("/workdays/{day:date}", operation_id="adminSetWorkday", summary="设置节假日调整（工作日/休息日）")
    async def workday(self, day: FromPath[date], data: JSONBody[WorkdayOverrideIn], conn: Conn) -> dict[str, Any]:
        return await service.set_workday_override(conn, day, data.is_workday, data.note)

    @put("/workday-notices/{year:int}", operation_id="adminLoadWorkdayNotice",
         summary="录入国务院办公厅节假日安排通知（整年工作日日历）")
    async def workday_notice(self, year: Annotated[int, PathParameter(ge=2004, le=2100)], data: JSONBody[WorkdayNoticeIn],
                             conn: Conn, user: CurrentUser) -> WorkdayNotice:
        return await calendar.load_notice(conn, year, data, loaded_by=user.id)
