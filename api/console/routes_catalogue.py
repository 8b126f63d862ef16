"""Admin pages for the catalogue's editable parts (fee, promised days, materials text; each change
audited), the working-day calendar's overrides and the SMS channel's pause. The same service
functions and guard as ``/api/v1/admin/services``, ``/admin/workdays`` and ``/admin/notify/sms-channel``."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from api import clock
from api.auth.guards import requires_admin
from api.catalogue import service as catalogue
from api.catalogue.service import admin
from api.catalogue.schemas import WorkdayOverrideIn
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn, Redis
from api.messages import service as notifications

ServiceCodePath = FromPath[str]


class CataloguePages(Controller):
    path = "/admin/catalogue"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleCatalogue", summary="工作台：办事事项")
    async def index(self, request: Request, conn: Conn) -> Template:
        return page("catalogue.html", request, active="catalogue", items=await catalogue.search(conn, None))

    @get("/{code:str}", operation_id="consoleCatalogueService", summary="工作台：编辑办事事项")
    async def service(self, request: Request, conn: Conn, code: ServiceCodePath) -> Template:
        return page("catalogue_service.html", request, active="catalogue", s=await catalogue.get_spec(conn, code),
                    edits=await admin.edits(conn, code))

    @post("/{code:str}", operation_id="consoleCatalogueSave", summary="工作台：保存办事事项", status_code=200)
    async def save(self, request: Request, conn: Conn, code: ServiceCodePath) -> Template:
        form = await request.form()
        spec = await catalogue.get_spec(conn, code)
        edit = admin.ServiceEdit(
            fee=form.get("fee") or "", promised_days=forms.whole_number(form, "promised_days", "承诺时限"),
            # a material the form did not carry keeps its text
            materials={m.code: (form.get(f"name_{m.code}") or m.name, form.get(f"note_{m.code}") or "")
                       for m in spec.materials if f"note_{m.code}" in form})
        _, changed = await admin.edit_service(conn, request.user, code, edit)
        return page("_catalogue_service.html", request, s=await catalogue.get_spec(conn, code),
                    edits=await admin.edits(conn, code),
                    note=f"已保存 {changed} 处修改" if changed else "没有修改")


class CalendarPages(Controller):
    path = "/admin/workdays"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleWorkdays", summary="工作台：节假日调整")
    async def index(self, request: Request, conn: Conn) -> Template:
        return page("workdays.html", request, active="workdays",
                    overrides=await admin.overrides_from(conn, clock.today()))

    @post("/", operation_id="consoleWorkdaySet", summary="工作台：设置工作日或休息日", status_code=200)
    async def set_day(self, request: Request, conn: Conn) -> Template:
        form = await request.form()
        try:
            day = date.fromisoformat(form.get("day") or "")
        except ValueError:
            raise console.FormInvalid("请选择日期") from None
        data = console.convert({"isWorkday": form.get("is_workday") == "true", **forms.given(form, "note")},
                               WorkdayOverrideIn)
        await console.set_workday(conn, request.user, day, data.is_workday, data.note)
        return page("_workdays.html", request, overrides=await admin.overrides_from(conn, clock.today()),
                    note=f"{day:%Y-%m-%d} 已设为{'工作日' if data.is_workday else '休息日'}")


class SmsChannelPages(Controller):
    path = "/admin/sms-channel"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleSmsChannel", summary="工作台：短信通道状态")
    async def state(self, request: Request, conn: Conn, redis: Redis) -> Template:
        return page("sms_channel.html", request, active="sms", ch=await notifications.sms_channel(conn, redis))

    @post("/resume", operation_id="consoleSmsChannelResume", summary="工作台：恢复短信通道", status_code=200)
    async def resume(self, request: Request, conn: Conn, redis: Redis) -> Template:
        ch = await notifications.resume_sms_channel(conn, redis, request.user)
        return page("_sms_channel.html", request, ch=ch, note="短信通道已恢复")
