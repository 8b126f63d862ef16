"""Printing a case's signed documents at the console (issue 22): the licence as its layout prints it
(F045 通行证, F057 包车客运标志牌 on A4, the certificate of other types) and the case's letters, for
staff who may read the case (the look is recorded like any other, F145)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.params import PathParameter
from litestar.response import Template

from api.applications import service as applications
from api.approvals import service as approvals
from api.auth.guards import requires_approver
from api.console.routes import page
from api.deps import Conn
from api.documents import service as documents
from api.storage import FILE_HEADERS

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
LAYOUT_NAMES = {"permit": "通行证（A4，随车携带）", "plate": "标志牌（A4 横向，放置于前挡风玻璃右侧）",
                "licence": "电子证照"}


async def _readable(conn: Conn, request: Request, application_id: int) -> None:
    case = await applications.get_case(conn, application_id)
    if not await approvals.read_case(conn, request.user, case):
        raise documents.DocumentNotFound()


class DocumentPrintPages(Controller):
    path = "/cases/{application_id:int}/documents"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleCaseDocuments", summary="工作台：打印证照和文书")
    async def index(self, request: Request, conn: Conn, application_id: Id) -> Template:
        await _readable(conn, request, application_id)
        return page("documents.html", request, active="deliveries", application_id=application_id,
                    items=await documents.case_documents(conn, application_id), layouts=LAYOUT_NAMES)

    @get("/{document_id:int}/print", operation_id="consolePrintDocument", summary="工作台：打印签章PDF",
         media_type="application/pdf")
    async def print_pdf(self, request: Request, conn: Conn, application_id: Id, document_id: Id) -> Response[bytes]:
        await _readable(conn, request, application_id)
        body, name = await documents.case_document_pdf(conn, application_id, document_id)
        return Response(body, media_type="application/pdf",
                        headers={**FILE_HEADERS, "Content-Disposition": f'inline; filename="{name}"'})
