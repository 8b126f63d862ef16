"""联系审批人员 (F102): the case's thread between the applicant and the step's approver."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from api.approvals.schemas_rights import CaseMessageIn, CaseMessageOut
from api.approvals.service import thread
from api.auth.guards import requires_approver, requires_login
from api.deps import Conn, CurrentUser


class CaseThreadController(Controller):
    path = "/applications"
    tags = ["approvals"]
    guards = [requires_login]

    @get("/{application_id:int}/messages", operation_id="listApplicationMessages", summary="联系审批人员：留言记录")
    async def messages(self, conn: Conn, user: CurrentUser, application_id: FromPath[int]) -> list[CaseMessageOut]:
        return await thread.thread_for_applicant(conn, user, application_id)

    @post("/{application_id:int}/messages", operation_id="postApplicationMessage",
          summary="联系审批人员：给办理本环节的审批人员留言（受理后）", status_code=201)
    async def post_message(self, conn: Conn, user: CurrentUser, application_id: FromPath[int],
                           data: JSONBody[CaseMessageIn]) -> CaseMessageOut:
        return await thread.post_as_applicant(conn, user, application_id, data.text)


class TaskThreadController(Controller):
    path = "/tasks"
    tags = ["approvals"]
    guards = [requires_approver]

    @get("/{task_id:int}/messages", operation_id="listTaskMessages", summary="办件留言（申请人与本环节审批人员）")
    async def messages(self, conn: Conn, user: CurrentUser, task_id: FromPath[int]) -> list[CaseMessageOut]:
        return await thread.thread_for_staff(conn, user, task_id)

    @post("/{task_id:int}/messages", operation_id="postTaskMessage", summary="回复申请人留言", status_code=201)
    async def post_message(self, conn: Conn, user: CurrentUser, task_id: FromPath[int],
                           data: JSONBody[CaseMessageIn]) -> CaseMessageOut:
        return await thread.post_as_staff(conn, user, task_id, data.text)
