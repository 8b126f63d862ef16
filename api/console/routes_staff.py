"""Staff accounts for admins: the list, a new account, roles and approval steps, disable and enable.
Each change is audited by ``api.auth.service.staff``; a disabled account's next page or API request
is refused (its token version moved, migration 0135)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Template

from api.approvals.service import access
from api.auth.service import staff
from api.auth.guards import requires_admin
from api.auth.schemas import StaffIn, StaffPasswordReset
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn

LABELS = {"role_labels": staff.ROLE_LABELS, "action_labels": staff.ACTION_LABELS}


class StaffPages(Controller):
    path = "/admin/staff"
    include_in_schema = False
    guards = [requires_admin]  # accounts are the admin's alone, as `zsb create-staff` on the server

    @get("/", operation_id="consoleStaff", summary="工作台：工作人员账号")
    async def index(self, request: Request, conn: Conn) -> Template:
        return page("staff.html", request, active="staff", items=await staff.list_staff(conn),
                    steps=await staff.step_choices(conn), **LABELS)

    @post("/", operation_id="consoleStaffCreate", summary="工作台：开通工作人员账号", status_code=200)
    async def create(self, request: Request, conn: Conn) -> ClientRedirect:
        form = await request.form()
        values = {**forms.given(form, "phone", "name", "password"),
                  "roles": forms.checked(form, "roles", staff.STAFF_ROLES), "steps": forms.checked(form, "steps")}
        created = await staff.create(conn, request.user, console.convert(values, StaffIn))
        return ClientRedirect(f"/console/admin/staff/{created.id}")

    @get("/{staff_id:int}", operation_id="consoleStaffMember", summary="工作台：工作人员账号详情")
    async def member(self, request: Request, conn: Conn, staff_id: FromPath[int]) -> Template:
        return await _page(request, conn, staff_id, "staff_member.html")

    @post("/{staff_id:int}/roles", operation_id="consoleStaffRoles", summary="工作台：调整角色和审批环节",
          status_code=200)
    async def roles(self, request: Request, conn: Conn, staff_id: FromPath[int]) -> Template:
        form = await request.form()
        await staff.set_roles(conn, request.user, staff_id, forms.checked(form, "roles", staff.STAFF_ROLES),
                              forms.checked(form, "steps"))
        return await _page(request, conn, staff_id, "_staff_member.html", note="已调整，该人员需重新登录")

    @post("/{staff_id:int}/disable", operation_id="consoleStaffDisable", summary="工作台：停用工作人员账号",
          status_code=200)
    async def disable(self, request: Request, conn: Conn, staff_id: FromPath[int]) -> Template:
        await staff.set_disabled(conn, request.user, staff_id, True)
        return await _page(request, conn, staff_id, "_staff_member.html", note="已停用，立即生效")

    @post("/{staff_id:int}/password-reset", operation_id="consoleStaffPasswordReset",
          summary="工作台：重置工作人员密码", status_code=200)
    async def reset_password(self, request: Request, conn: Conn, staff_id: FromPath[int]) -> Template:
        form = await request.form()
        data = console.convert(forms.given(form, "password"), StaffPasswordReset)
        await staff.reset_password(conn, request.user, staff_id, data.password)
        return await _page(request, conn, staff_id, "_staff_member.html",
                           note="密码已重置，其登录已失效；请将临时密码当面告知本人，下次登录时须设置新密码")

    @post("/{staff_id:int}/enable", operation_id="consoleStaffEnable", summary="工作台：恢复启用工作人员账号",
          status_code=200)
    async def enable(self, request: Request, conn: Conn, staff_id: FromPath[int]) -> Template:
        await staff.set_disabled(conn, request.user, staff_id, False)
        return await _page(request, conn, staff_id, "_staff_member.html", note="已恢复启用")


async def _page(request: Request, conn: Conn, staff_id: int, template: str, note: str | None = None) -> Template:
    return page(template, request, active="staff", s=await staff.get_staff(conn, staff_id),
                history=await staff.history(conn, staff_id), steps=await staff.step_choices(conn), note=note,
                **LABELS)


class CaseViewPages(Controller):
    """The case view log (F145): every recorded look of staff at a case, for an admin's audit of one
    staff member or one case. The same function and guard as ``GET /api/v1/tasks/case-views``."""

    path = "/admin/case-views"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleCaseViews", summary="工作台：办件查看记录")
    async def index(self, request: Request, conn: Conn,
                    viewer: Annotated[str, QueryParameter(name="staff", pattern=r"^\d{0,18}$")] = "",
                    case: Annotated[str, QueryParameter(name="case", pattern=r"^\d{0,18}$")] = "",
                    cursor: Annotated[str | None, QueryParameter(name="cursor", pattern=r"^\d{1,18}$")] = None) -> Template:
        # the filter form sends empty fields for "all"
        staff_id, application_id = int(viewer or 0) or None, int(case or 0) or None
        found = await access.views_for_audit(conn, viewer_id=staff_id, application_id=application_id, cursor=cursor,
                                             limit=50)
        return page("case_views.html", request, active="case-views", views=found, staff_id=staff_id,
                    application_id=application_id, who=await staff.list_staff(conn))
