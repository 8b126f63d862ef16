"""The window verification page (issue 19): staff look at the person's document and confirm them.
Approvers, leads and admins, as ``POST /api/v1/staff/identity/window-verifications``, through the same
service function (never their own account: 403 ``own_identity``)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.response import Template

from api import clock
from api.auth.guards import requires_approver
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn
from api.identity import window
from api.identity.schemas_staff import ID_TYPE_NAMES, WindowVerificationIn


class IdentityWindowPages(Controller):
    path = "/identity/window"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleIdentityWindow", summary="工作台：窗口实名核验")
    async def form(self, request: Request) -> Template:
        return page("identity_window.html", request, active="identity-window", id_types=ID_TYPE_NAMES)

    @post("/", operation_id="consoleIdentityWindowVerify", summary="工作台：核验证件并确认本人实名", status_code=200)
    async def verify(self, request: Request, conn: Conn, state: State) -> Template:
        form = await request.form()
        values = forms.given(form, "phone", "name", "id_type", "id_number",
                             rename={"id_type": "idType", "id_number": "idNumber"})
        data = console.convert(values, WindowVerificationIn)
        done = await window.verify_at_window(conn, request.user, data, now=clock.now(state))
        return page("_identity_verified.html", request, v=done, id_types=ID_TYPE_NAMES)
