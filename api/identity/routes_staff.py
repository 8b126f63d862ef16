"""Window verification, document upload and document review (issue 19, F090)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, MultipartBody, PathParameter, QueryParameter
from litestar.response import Stream

from api import clock
from api.auth.guards import requires_approver, requires_login
from api.deps import AppSettings, Conn, CurrentUser
from api.files.openapi import FileUploadOperation
from api.identity import documents, window
from api.identity.schemas import Identity
from api.identity.schemas_staff import (DocumentDetail, DocumentSummary, MyDocumentOut, MyDocumentStatus, RefusalIn,
                                        WindowVerificationIn, WindowVerificationOut)
from api.storage import FILE_HEADERS, storage_for

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
# A dict rather than one UploadFile, as complaint attachments: the text fields travel beside the file
# and a body without a file part gets a 400 naming it, not a 500.
Upload = MultipartBody[dict[str, Any]]


class MyIdentityDocumentController(Controller):
    path = "/me/identity/documents"
    tags = ["identity"]
    guards = [requires_login]

    # the photo in its multipart envelope: above the app's JSON body limit (api/app.py)
    @post("/", operation_id="uploadIdentityDocument",
          summary="港澳台居民和外国人上传证件照片申请人工核验（multipart：file、name、idType、idNumber；1个工作日内核验）",
          request_max_body_size=documents.MAX_PHOTO_BYTES + 64 * 1024, operation_class=FileUploadOperation)
    async def upload(self, data: Upload, conn: Conn, user: CurrentUser, settings: AppSettings,
                     state: State) -> MyDocumentOut:
        return await documents.submit(conn, user, data, storage_for(settings), now=clock.now(state))

    @get("/", operation_id="listMyIdentityDocuments", summary="我提交的证件核验及结果（不通过时含原因）")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[MyDocumentStatus]:
        return await documents.my_documents(conn, user)


class StaffIdentityController(Controller):
    path = "/staff/identity"
    tags = ["identity"]
    guards = [requires_approver]

    @post("/window-verifications", operation_id="windowVerifyIdentity", summary="窗口核验身份证件并确认本人实名",
          status_code=201)
    async def window_verify(self, data: JSONBody[WindowVerificationIn], conn: Conn, user: CurrentUser,
                            state: State) -> WindowVerificationOut:
        return await window.verify_at_window(conn, user, data, now=clock.now(state))

    @get("/documents", operation_id="listIdentityDocuments", summary="待人工核验的证件（证件号脱敏）")
    async def list_documents(self, conn: Conn, status: Annotated[
            Literal["pending", "verified", "refused"], QueryParameter()] = "pending") -> list[DocumentSummary]:
        return await documents.list_documents(conn, status)

    @get("/documents/{identity_id:int}", operation_id="getIdentityDocument",
         summary="证件核验详情（显示完整证件号，查看留痕）")
    async def detail(self, identity_id: Id, conn: Conn, user: CurrentUser) -> DocumentDetail:
        return await documents.document_detail(conn, user, identity_id)

    @get("/documents/{identity_id:int}/photo", operation_id="getIdentityDocumentPhoto",
         summary="查看证件照片（查看留痕）")
    async def photo(self, identity_id: Id, conn: Conn, user: CurrentUser, settings: AppSettings) -> Stream:
        body, content_type = await documents.document_photo(conn, user, identity_id, storage_for(settings))
        return Stream(body, media_type=content_type, headers=FILE_HEADERS)

    @post("/documents/{identity_id:int}/approve", operation_id="approveIdentityDocument",
          summary="证件核验通过（完成实名认证并通知本人）", status_code=200)
    async def approve(self, identity_id: Id, conn: Conn, user: CurrentUser, state: State) -> Identity:
        return await documents.approve(conn, user, identity_id, now=clock.now(state))

    @post("/documents/{identity_id:int}/refuse", operation_id="refuseIdentityDocument",
          summary="证件核验不通过（告知本人原因）", status_code=200)
    async def refuse(self, identity_id: Id, data: JSONBody[RefusalIn], conn: Conn, user: CurrentUser,
                     state: State) -> DocumentSummary:
        return await documents.refuse(conn, user, identity_id, data, now=clock.now(state))
