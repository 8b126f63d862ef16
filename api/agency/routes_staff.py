"""Staff's side of agency (issue 20): the 代办 authorisation letter on a task (F093)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Stream

from api.agency import staff_letter
from api.auth.guards import requires_approver
from api.deps import AppSettings, Conn, CurrentUser
from api.storage import FILE_HEADERS, storage_for


class AgencyTaskController(Controller):
    path = "/tasks"
    tags = ["approvals"]
    guards = [requires_approver]

    @get("/{task_id:int}/agency-letter", operation_id="getTaskAgencyLetter",
         summary="查看代办的授权委托书（该环节审批人员）")
    async def letter(self, conn: Conn, user: CurrentUser, settings: AppSettings, task_id: FromPath[int]) -> Stream:
        body, content_type = await staff_letter.letter(conn, user, task_id, storage_for(settings))
        return Stream(body, media_type=content_type,
                      headers={**FILE_HEADERS, "Content-Disposition": "inline; filename*=UTF-8''authorisation-letter"})
