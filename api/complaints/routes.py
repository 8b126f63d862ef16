from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, MultipartBody, PathParameter, QueryParameter
from litestar.response import Stream

from api.auth.guards import requires_login, requires_role
from api.clock import local_now
from api.complaints import checks, service
from api.complaints.schemas import (
    AdminComplaintOut, AnswerIn, AssignIn, AttachmentOut, CloseIn, ComplaintIn, ComplaintOut, ComplaintSummary,
    HeldComplaintOut, RatingIn, Status,
)
from api.deps import AppSettings, Conn, CurrentUser, WeChat
from api.files.openapi import FileUploadOperation
from api.idempotency import IdempotencyKey, run_once
from api.identity import require_verified
from api.storage import FILE_HEADERS, storage_for

requires_complaint_handler = requires_role("admin", "lead")
# A dict rather than one UploadFile: Litestar fails with a 500 on a multipart body without any file
# part (StopIteration in its extractor); with a dict the service answers 400 naming the field.
# Text values too: wx.uploadFile sends its formData fields beside the file.
Upload = MultipartBody[dict[str, Any]]  # UploadFile | str: msgspec takes no such union
# bigint ids: a larger number is a 400, not a database error
Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]


def _clock(state: State) -> Callable[[], datetime]:
    """The time deadlines are counted from: the app's clock, in Beijing time."""
    return partial(local_now, state)


Clock = NamedDependency[Any]
CLOCK = {"clock": Provide(_clock, sync_to_thread=False)}


class ComplaintController(Controller):
    path = "/complaints"
    tags = ["complaints"]
    guards = [requires_login]
    dependencies = CLOCK

    @post("/", operation_id="fileComplaint", summary="提交投诉建议")
    async def file(self, data: JSONBody[ComplaintIn], conn: Conn, user: CurrentUser, clock: Clock, wechat: WeChat,
                   idempotency_key: IdempotencyKey = None) -> ComplaintOut:
        await require_verified(conn, user.id)  # F088
        return await run_once(conn, user_id=user.id, scope="complaint_create", key=idempotency_key, payload=data,
                              action=lambda: service.file_complaint(conn, user, data, now=clock(), wechat=wechat),
                              result_type=ComplaintOut)

    # a 10 MB file in its multipart envelope: above the app's JSON body limit (api/app.py)
    @post("/attachments", operation_id="uploadComplaintAttachment", summary="上传投诉附件（multipart，字段名 file）",
          request_max_body_size=service.MAX_FILE_BYTES + 64 * 1024, operation_class=FileUploadOperation)
    async def upload(self, data: Upload, conn: Conn, user: CurrentUser, settings: AppSettings) -> AttachmentOut:
        return await service.upload_attachment(conn, user, data.get("file"), storage_for(settings))

    @get("/", operation_id="listMyComplaints", summary="我的投诉建议")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[ComplaintSummary]:
        return await service.mine(conn, user)

    @get("/{complaint_id:int}", operation_id="getMyComplaint", summary="投诉建议详情与答复")
    async def detail(self, complaint_id: Id, conn: Conn, user: CurrentUser) -> ComplaintOut:
        return await service.view_own(conn, user, complaint_id)

    @post("/{complaint_id:int}/rating", operation_id="rateComplaintAnswer", summary="评价答复", status_code=200)
    async def rate(self, complaint_id: Id, data: JSONBody[RatingIn], conn: Conn,
                   user: CurrentUser, clock: Clock, wechat: WeChat) -> ComplaintOut:
        return await service.rate(conn, user, complaint_id, data, now=clock(), wechat=wechat)

    @get("/{complaint_id:int}/attachments/{attachment_id:int}", operation_id="getComplaintAttachment",
         summary="下载投诉附件（本人或处理人员）")
    async def attachment(self, complaint_id: Id, attachment_id: Id, conn: Conn,
                         user: CurrentUser, settings: AppSettings) -> Stream:
        key, content_type = await service.attachment_file(conn, user, complaint_id, attachment_id)
        return Stream(storage_for(settings).read(key), media_type=content_type, headers=FILE_HEADERS)


class ComplaintAdminController(Controller):
    path = "/admin/complaints"
    tags = ["complaints"]
    guards = [requires_complaint_handler]
    dependencies = CLOCK

    @get("/", operation_id="adminListComplaints", summary="投诉建议处理队列")
    async def queue(self, conn: Conn, status: FromQuery[Status | None] = None, overdue: FromQuery[bool | None] = None,
                    assignee_id: Annotated[int | None, QueryParameter(name="assigneeId", ge=1, le=2**63 - 1)] = None,
                    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
                    offset: Annotated[int, QueryParameter(ge=0)] = 0) -> list[AdminComplaintOut]:
        return await service.admin_list(conn, status=status, overdue=overdue, assignee_id=assignee_id,
                                        limit=limit, offset=offset)

    @get("/held-texts", operation_id="listHeldComplaintTexts", summary="未通过内容安全检查的投诉内容（待复核）")
    async def held(self, conn: Conn) -> list[HeldComplaintOut]:
        return await checks.held(conn)

    @post("/{complaint_id:int}/release-text", operation_id="releaseComplaintText",
          summary="复核放行暂存的投诉内容（part: text 投诉内容，rating 评价内容）", status_code=204)
    async def release(self, complaint_id: Id, conn: Conn, user: CurrentUser,
                      part: FromQuery[Literal["text", "rating"]] = "text") -> None:
        await checks.release(conn, user.id, complaint_id, part)

    @get("/{complaint_id:int}", operation_id="adminGetComplaint", summary="投诉建议详情与处理时间线")
    async def detail(self, complaint_id: Id, conn: Conn) -> AdminComplaintOut:
        return await service.admin_view(conn, complaint_id)

    @post("/{complaint_id:int}/assign", operation_id="assignComplaint", summary="分派投诉建议", status_code=200)
    async def assign(self, complaint_id: Id, data: JSONBody[AssignIn], conn: Conn,
                     user: CurrentUser) -> AdminComplaintOut:
        return await service.assign(conn, user, complaint_id, data)

    @post("/{complaint_id:int}/answer", operation_id="answerComplaint", summary="答复投诉建议", status_code=200)
    async def answer(self, complaint_id: Id, data: JSONBody[AnswerIn], conn: Conn,
                     user: CurrentUser, clock: Clock) -> AdminComplaintOut:
        return await service.answer(conn, user, complaint_id, data, now=clock())

    @post("/{complaint_id:int}/close", operation_id="closeComplaint", summary="办结投诉建议", status_code=200)
    async def close(self, complaint_id: Id, data: JSONBody[CloseIn], conn: Conn,
                    user: CurrentUser, clock: Clock) -> AdminComplaintOut:
        return await service.close(conn, user, complaint_id, data.note, now=clock())
