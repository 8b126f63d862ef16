"""The holder's signed documents: a licence's electronic licence (every version), a case's letters."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import PathParameter

from api.auth.guards import requires_login
from api.deps import Conn, CurrentUser
from api.documents import service
from api.documents.schemas import DocumentOut
from api.storage import FILE_HEADERS

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]  # bigint: larger is a 400, not a DB error


def _pdf(body: bytes, name: str) -> Response[bytes]:
    return Response(body, media_type="application/pdf",
                    headers={**FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


class LicenceDocumentController(Controller):
    # A path of its own beside the applications area's "/licences" and disclosure's QR routes.
    path = "/licences/{licence_id:int}/documents"
    tags = ["applications"]
    guards = [requires_login]

    @get("/", operation_id="listLicenceDocuments", summary="电子证照文件（签章PDF）的各个版本（持证人）")
    async def versions(self, licence_id: Id, conn: Conn, user: CurrentUser) -> list[DocumentOut]:
        return await service.licence_documents(conn, user, licence_id)

    @get("/latest.pdf", operation_id="downloadLicenceDocument", summary="下载电子证照（带电子签章的PDF，持证人）",
         media_type="application/pdf")
    async def latest(self, licence_id: Id, conn: Conn, user: CurrentUser) -> Response[bytes]:
        return _pdf(*await service.latest_licence_pdf(conn, user, licence_id))


class ApplicationDocumentController(Controller):
    path = "/applications/{application_id:int}/documents"
    tags = ["applications"]
    guards = [requires_login]

    @get("/", operation_id="listApplicationDocuments", summary="办件文书：不予许可决定书、一次性告知书（申请人）")
    async def letters(self, application_id: Id, conn: Conn, user: CurrentUser) -> list[DocumentOut]:
        return await service.application_documents(conn, user, application_id)


class DocumentController(Controller):
    path = "/documents"
    tags = ["applications"]
    guards = [requires_login]

    @get("/{document_id:int}/file", operation_id="downloadDocument", summary="下载签章文书PDF（本人）",
         media_type="application/pdf")
    async def file(self, document_id: Id, conn: Conn, user: CurrentUser) -> Response[bytes]:
        return _pdf(*await service.document_pdf(conn, user, document_id))
