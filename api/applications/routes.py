from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from api import clock, ratelimit
from api.applications.service import journey as service, materials, supplement, upload as material_upload, withdrawal
from api.applications.service import progress_qr, submission
from api.applications.schemas import (
    ApplicationIn, ApplicationOut, ApplicationPatch, ApplicationSummary, ExtensionIn, LicenceOut, MaterialOut,
    PageOrderIn, ProgressOut, WithdrawIn,
)
from api.auth.guards import requires_login
from api.catalogue.schemas import MAX_UPLOAD_BYTES
from api.deps import AppSettings, Conn, CurrentUser, Now, Pool, ReadConn, Redis, WeChat
from api.disclosure import mobile, page as disclosure_page
from api.errors import DomainError, problem
from api.files import service as files
from api.files.openapi import FileUploadOperation
from api.files.schemas import DownloadLinkOut
from api.idempotency import IdempotencyKey, run_once
from api.identity import require_verified
from api.storage import FILE_HEADERS, storage_for


# F101: a 10 MB file and its multipart envelope get in; a bigger body is refused from its
# Content-Length before a byte is read, or once the streamed bytes pass this.
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024


def upload_too_large(request: Request, _: RequestEntityTooLarge) -> Response:
    """Litestar refuses an oversize upload body while reading it; say so as the F101 problem."""
    err = material_upload.FileTooLarge()
    return problem(request, status=err.status, code=err.code, title=err.title,
                   detail=f"文件超过{MAX_UPLOAD_BYTES // (1024 * 1024)}MB",
                   extra={"field": "file", "limit": MAX_UPLOAD_BYTES})


UPLOAD_LIMITS: dict = {"request_max_body_size": UPLOAD_BODY_LIMIT,
                       "exception_handlers": {RequestEntityTooLarge: upload_too_large},
                       "operation_class": FileUploadOperation}  # names the multipart field in the OpenAPI

# Anyone may look a case up by its public number: per account when signed in, else per address
# (many phones share a carrier's address), with its own counter in Redis (api/ratelimit.py).
progress_rate_limit = ratelimit.limit("progress", ("minute", 120), key=ratelimit.per_account)
PUBLIC = {"exclude_from_auth": True}


class ApplicationController(Controller):
    path = "/applications"
    tags = ["applications"]
    guards = [requires_login]

    @post("/", operation_id="createApplication", summary="新建申请（草稿）")
    async def create(self, data: JSONBody[ApplicationIn], conn: Conn, user: CurrentUser, settings: AppSettings,
                     now: Now, idempotency_key: IdempotencyKey = None) -> ApplicationOut:
        return await run_once(conn, user_id=user.id, scope="application_create", key=idempotency_key, payload=data,
                              action=lambda: service.create(conn, user, data, storage_for(settings), now=now),
                              result_type=ApplicationOut)

    @get("/", operation_id="listApplications", summary="我的办件")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[ApplicationSummary]:
        return await service.mine(conn, user)

    @get("/{application_id:int}", operation_id="getApplication", summary="办件详情")
    async def detail(self, application_id: FromPath[int], conn: Conn, user: CurrentUser) -> ApplicationOut:
        return await service.view(conn, user, application_id)

    @patch("/{application_id:int}", operation_id="updateApplication", summary="修改草稿或补正表单")
    async def update(self, application_id: FromPath[int], data: JSONBody[ApplicationPatch], conn: Conn, user: CurrentUser,
                     settings: AppSettings) -> ApplicationOut:
        return await service.update(conn, user, application_id, data, storage_for(settings))

    @put("/{application_id:int}/materials/{material_code:str}", operation_id="uploadMaterial",
         summary="上传材料（multipart，字段名 file；这一个文件即整项材料）", **UPLOAD_LIMITS)
    async def upload(self, request: Request, application_id: FromPath[int], material_code: FromPath[str], conn: Conn,
                     user: CurrentUser, settings: AppSettings) -> MaterialOut:
        return await material_upload.upload(conn, user, application_id, material_code,
                                    request.headers.get("content-type", ""), request.stream(), storage_for(settings))

    # wx.uploadFile can only POST: the same upload, by POST.
    @post("/{application_id:int}/materials/{material_code:str}", operation_id="uploadMaterialByPost",
          summary="上传材料（POST，供 wx.uploadFile；multipart，字段名 file；这一个文件即整项材料）", status_code=200,
          **UPLOAD_LIMITS)
    async def upload_by_post(self, request: Request, application_id: FromPath[int], material_code: FromPath[str],
                             conn: Conn, user: CurrentUser, settings: AppSettings) -> MaterialOut:
        return await material_upload.upload(conn, user, application_id, material_code,
                                    request.headers.get("content-type", ""), request.stream(), storage_for(settings))

    @get("/{application_id:int}/materials/{material_code:str}/download-link", operation_id="getMaterialDownloadLink",
         summary="材料文件的短时下载链接（供 wx.downloadFile，5分钟内有效）")
    async def material_link(self, application_id: FromPath[int], material_code: FromPath[str], conn: Conn,
                            user: CurrentUser, settings: AppSettings, state: State) -> DownloadLinkOut:
        return await files.link(settings, material_upload.material_file(conn, user, application_id, material_code),
                                now=clock.now(state))

    @get("/{application_id:int}/materials/{material_code:str}/pages/{page_no:int}/download-link",
         operation_id="getMaterialPageDownloadLink", summary="材料某一页的短时下载链接（供 wx.downloadFile，5分钟内有效）")
    async def page_link(self, application_id: FromPath[int], material_code: FromPath[str], page_no: FromPath[int],
                        conn: Conn, user: CurrentUser, settings: AppSettings, state: State) -> DownloadLinkOut:
        return await files.link(settings, materials.page_file(conn, user, application_id, material_code,
                                                                      page_no), now=clock.now(state))

    @get("/{application_id:int}/materials/{material_code:str}", operation_id="getMaterialFile",
         summary="下载材料文件（本人或工作人员）")
    async def material_file(self, application_id: FromPath[int], material_code: FromPath[str], conn: Conn, user: CurrentUser,
                            settings: AppSettings) -> Stream:
        key, content_type = await material_upload.material_file(conn, user, application_id, material_code)
        return Stream(storage_for(settings).read(key), media_type=content_type,
                      headers=FILE_HEADERS)

    @post("/{application_id:int}/materials/{material_code:str}/pages", operation_id="addMaterialPage",
          summary="上传材料的一页（multipart，字段名 file；一项材料可传多页）", **UPLOAD_LIMITS)
    async def add_page(self, request: Request, application_id: FromPath[int], material_code: FromPath[str],
                       conn: Conn, user: CurrentUser, settings: AppSettings,
                       idempotency_key: IdempotencyKey = None) -> MaterialOut:
        return await run_once(conn, user_id=user.id, scope=f"material_page:{application_id}:{material_code}",
                              key=idempotency_key, payload={"application": application_id, "material": material_code},
                              result_type=MaterialOut,
                              action=lambda: materials.add_page(
                                  conn, user, application_id, material_code, request.headers.get("content-type", ""),
                                  request.stream(), storage_for(settings)))

    @get("/{application_id:int}/materials/{material_code:str}/pages/{page_no:int}", operation_id="getMaterialPage",
         summary="下载材料的一页（本人或工作人员）")
    async def page_file(self, application_id: FromPath[int], material_code: FromPath[str], page_no: FromPath[int],
                        conn: Conn, user: CurrentUser, settings: AppSettings) -> Stream:
        key, content_type = await materials.page_file(conn, user, application_id, material_code, page_no)
        return Stream(storage_for(settings).read(key), media_type=content_type,
                      headers=FILE_HEADERS)

    @delete("/{application_id:int}/materials/{material_code:str}/pages/{page_no:int}",
            operation_id="deleteMaterialPage", summary="删除材料的一页（后面的页前移）", status_code=200)
    async def delete_page(self, application_id: FromPath[int], material_code: FromPath[str], page_no: FromPath[int],
                          conn: Conn, user: CurrentUser, settings: AppSettings) -> MaterialOut:
        return await materials.remove_page(conn, user, application_id, material_code, page_no,
                                                   storage_for(settings))

    @put("/{application_id:int}/materials/{material_code:str}/pages/order", operation_id="reorderMaterialPages",
         summary="调整材料页的顺序")
    async def reorder_pages(self, application_id: FromPath[int], material_code: FromPath[str],
                            data: JSONBody[PageOrderIn], conn: Conn, user: CurrentUser) -> MaterialOut:
        return await materials.reorder_pages(conn, user, application_id, material_code, data.order)

    @post("/{application_id:int}/submit", operation_id="submitApplication", summary="提交申请（预审）",
          status_code=200)
    async def submit(self, application_id: FromPath[int], pool: Pool, user: CurrentUser, now: Now,
                     redis: Redis, settings: AppSettings, idempotency_key: IdempotencyKey = None) -> ApplicationOut:
        # the licence sources are asked before the transaction opens (a slow one holds no connection)
        return await submission.submit(pool, user, application_id, now=now, redis=redis, settings=settings,
                                       idempotency_key=idempotency_key)

    @post("/{application_id:int}/supplement-extension", operation_id="requestSupplementExtension",
          summary="申请补正期限延期（限一次）", status_code=200)
    async def extend_supplement(self, application_id: FromPath[int], data: JSONBody[ExtensionIn], conn: Conn,
                                user: CurrentUser, now: Now, idempotency_key: IdempotencyKey = None) -> ApplicationOut:
        return await run_once(conn, user_id=user.id, scope=f"application_extension:{application_id}",
                              key=idempotency_key, payload=data, result_type=ApplicationOut,
                              action=lambda: supplement.extend(conn, user, application_id, data.reason,
                                                                       now=now))

    @post("/{application_id:int}/withdraw", operation_id="withdrawApplication",
          summary="撤回申请（受理前后、决定前均可；已填内容和材料保存为新草稿）", status_code=200)
    async def withdraw(self, application_id: FromPath[int], data: JSONBody[WithdrawIn], conn: Conn,
                       user: CurrentUser, settings: AppSettings, now: Now,
                       idempotency_key: IdempotencyKey = None) -> ApplicationOut:
        # it creates the draft copy: the same key returns the first answer instead of a 409
        return await run_once(conn, user_id=user.id, scope=f"application_withdraw:{application_id}",
                              key=idempotency_key, payload=data, result_type=ApplicationOut,
                              action=lambda: withdrawal.withdraw(conn, user, application_id, data.reason,
                                                                       storage_for(settings), now=now))


class LicenceController(Controller):
    path = "/licences"
    tags = ["applications"]
    guards = [requires_login]

    @get("/", operation_id="listLicences", summary="我的证照")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[LicenceOut]:
        await require_verified(conn, user.id)  # F088
        return await service.my_licences(conn, user)


class ProgressController(Controller):
    path = "/progress"
    tags = ["applications"]
    middleware = [progress_rate_limit.middleware]

    # The link in the progress QR (F108): a browser asking for HTML gets a page, WeChat's browser the
    # mini-program's progress page, programs the JSON.
    @get("/{public_no:str}", opt=PUBLIC, operation_id="getProgress",
         summary="扫码查进度（免登录；浏览器得到网页，微信中打开小程序）",
         exception_handlers={DomainError: disclosure_page.progress_refused})
    async def progress(self, request: Request, public_no: FromPath[str], read_conn: ReadConn, redis: Redis,
                       wechat: WeChat, now: Now) -> Response[ProgressOut]:
        return await mobile.progress(request, read_conn, redis, wechat, public_no, now=now)

    @get("/{public_no:str}/qr.png", opt=PUBLIC, operation_id="getProgressQr", summary="进度查询二维码")
    async def qr(self, public_no: FromPath[str], read_conn: ReadConn, settings: AppSettings) -> Response[bytes]:
        png = await progress_qr(read_conn, public_no, settings.base_url)
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})
