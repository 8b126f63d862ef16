"""Real-name identity pages (issue 19) for approvers, leads and admins: the window verification page
(staff look at the person's document and confirm them) and the review of uploaded documents (F090).
Each calls the same service function, with the same guard, as ``/api/v1/staff/identity`` (never
their own account: 403 ``own_identity``; the detail and the photo are logged as through the API)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import PathParameter
from litestar.response import Stream, Template

from api import clock
from api.auth.guards import requires_approver
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import AppSettings, Conn
from api.identity import documents, window
from api.identity.schemas_staff import ID_TYPE_NAMES, RefusalIn, WindowVerificationIn
from api.storage import FILE_HEADERS, storage_for

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]


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


class IdentityDocumentPages(Controller):
    path = "/identity/documents"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleIdentityDocuments", summary="工作台：证件人工核验")
    async def queue(self, request: Request, conn: Conn) -> Template:
        return page("identity_documents.html", request, active="identity-documents",
                    items=await documents.list_documents(conn))

    @get("/{identity_id:int}", operation_id="consoleIdentityDocument", summary="工作台：证件核验详情（查看留痕）")
    async def detail(self, request: Request, conn: Conn, identity_id: Id) -> Template:
        return page("identity_document.html", request, active="identity-documents",
                    d=await documents.document_detail(conn, request.user, identity_id))

    @get("/{identity_id:int}/photo", operation_id="consoleIdentityDocumentPhoto", summary="工作台：查看证件照片（查看留痕）")
    async def photo(self, request: Request, conn: Conn, settings: AppSettings, identity_id: Id) -> Stream:
        body, content_type = await documents.document_photo(conn, request.user, identity_id, storage_for(settings))
        return Stream(body, media_type=content_type, headers=FILE_HEADERS)

    @post("/{identity_id:int}/approve", operation_id="consoleIdentityDocumentApprove", summary="工作台：证件核验通过",
          status_code=200)
    async def approve(self, request: Request, conn: Conn, state: State, identity_id: Id) -> Template:
        await documents.approve(conn, request.user, identity_id, now=clock.now(state))
        return page("_ok.html", request, message="已核验通过，实名认证已完成，已通知本人")

    @post("/{identity_id:int}/refuse", operation_id="consoleIdentityDocumentRefuse", summary="工作台：证件核验不通过",
          status_code=200)
    async def refuse(self, request: Request, conn: Conn, state: State, identity_id: Id) -> Template:
        data = console.convert(forms.given(await request.form(), "reason"), RefusalIn)
        await documents.refuse(conn, request.user, identity_id, data, now=clock.now(state))
        return page("_ok.html", request, message="已退回，已将原因告知本人")
