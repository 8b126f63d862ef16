"""Admin pages for sites (name, address, phone) and their opening schedules, from which slots are
generated (the slot generation page). Admins only, as ``POST /api/v1/admin/slots/generate``.
Every change is recorded (settings_audit) and shown on the change log page with working-day changes."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.appointments import service as appointments
from api.appointments.service import sites
from api.auth.guards import requires_admin
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn

KIND_LABELS = {"window": "窗口", "inspection_station": "检测站", "exam_centre": "考场",
               "inspection": "检测", "exam": "考试"}


def _seconds(value: str | None) -> str:
    value = (value or "").strip()
    return f"{value}:00" if len(value) == 5 else value


def _schedule(form: Any) -> sites.ScheduleIn:
    # <input type="time"> sends HH:MM; the Struct reads RFC 3339 times (HH:MM:SS)
    values = {"opens_at": _seconds(form.get("opens_at")), "closes_at": _seconds(form.get("closes_at")),
              "slot_minutes": forms.whole_number(form, "slot_minutes", "每时段分钟数"),
              "capacity": forms.whole_number(form, "capacity", "每时段容量")}
    return console.convert(values, sites.ScheduleIn)


class SitePages(Controller):
    path = "/admin/sites"
    include_in_schema = False
    guards = [requires_admin]

    @get("/{site_id:int}", operation_id="consoleSite", summary="工作台：服务点与排班")
    async def detail(self, request: Request, conn: Conn, site_id: FromPath[int]) -> Template:
        return await _page(request, conn, site_id, "site.html")

    @post("/{site_id:int}", operation_id="consoleSiteSave", summary="工作台：修改服务点信息", status_code=200)
    async def save(self, request: Request, conn: Conn, site_id: FromPath[int]) -> Template:
        form = await request.form()
        await sites.update_site(conn, request.user, site_id, sites.SiteIn(name=form.get("name") or "",
                                                                          address=form.get("address") or "",
                                                                          phone=form.get("phone") or ""))
        return await _page(request, conn, site_id, "_site.html", note="服务点信息已保存")

    @post("/{site_id:int}/schedules", operation_id="consoleScheduleAdd", summary="工作台：新增排班",
          status_code=200)
    async def add(self, request: Request, conn: Conn, site_id: FromPath[int]) -> Template:
        form = await request.form()
        await sites.add_schedule(conn, request.user, site_id, form.get("service_code") or "", _schedule(form))
        return await _page(request, conn, site_id, "_site.html", note="排班已新增，此后生成的号源按新排班")

    @post("/{site_id:int}/schedules/{schedule_id:int}", operation_id="consoleScheduleSave",
          summary="工作台：修改排班", status_code=200)
    async def update(self, request: Request, conn: Conn, site_id: FromPath[int],
                     schedule_id: FromPath[int]) -> Template:
        await sites.update_schedule(conn, request.user, site_id, schedule_id, _schedule(await request.form()))
        return await _page(request, conn, site_id, "_site.html", note="排班已修改，已生成的号源不变")

    @post("/{site_id:int}/schedules/{schedule_id:int}/delete", operation_id="consoleScheduleDelete",
          summary="工作台：删除排班", status_code=200)
    async def delete(self, request: Request, conn: Conn, site_id: FromPath[int],
                     schedule_id: FromPath[int]) -> Template:
        await sites.delete_schedule(conn, request.user, site_id, schedule_id)
        return await _page(request, conn, site_id, "_site.html", note="排班已删除，已生成的号源不变")


class SettingsAuditPages(Controller):
    """Who changed which site, schedule or working day, when, and the values before and after."""

    path = "/admin/settings-log"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleSettingsAudit", summary="工作台：服务点、排班和节假日变更记录")
    async def index(self, request: Request, conn: Conn,
                    kind: Annotated[str, QueryParameter(pattern=r"^(site|schedule|workday)?$")] = "",
                    cursor: Annotated[int | None, QueryParameter(ge=1)] = None) -> Template:
        items, next_cursor = await console.settings_changes(conn, kind=kind or None, cursor=cursor)
        return page("settings_audit.html", request, active="settings-log", items=items, kind=kind,
                    next_cursor=next_cursor, kinds=console.AUDIT_KINDS, actions=console.AUDIT_ACTIONS)


async def _page(request: Request, conn: Conn, site_id: int, template: str, note: str | None = None) -> Template:
    return page(template, request, active="slots", s=await sites.site(conn, site_id), kinds=KIND_LABELS, note=note,
                service_name=appointments.service_name)
