"""The approver stops and restarts a case's clock from the task (现场核查, 技术评估/加固改造; F106)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from api.applications.schemas_rights import CaseClockOut
from api.approvals.schemas_rights import PauseIn
from api.approvals.service import pauses
from api.auth.guards import requires_approver
from api.deps import Conn, CurrentUser, Now
from api.idempotency import IdempotencyKey, run_once


class TaskPauseController(Controller):
    path = "/tasks"
    tags = ["approvals"]
    guards = [requires_approver]

    @post("/{task_id:int}/pause", operation_id="pauseTaskClock", summary="暂停计时（现场核查、技术评估/加固改造）",
          status_code=201)
    async def pause(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], data: JSONBody[PauseIn],
                    now: Now, idempotency_key: IdempotencyKey = None) -> CaseClockOut:
        return await run_once(conn, user_id=user.id, scope=f"approvals.pause.{task_id}", key=idempotency_key,
                              payload=data, action=lambda: pauses.pause(conn, user, task_id, data, now),
                              result_type=CaseClockOut)

    @post("/{task_id:int}/resume", operation_id="resumeTaskClock", summary="结束暂停，恢复计时", status_code=200)
    async def resume(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], now: Now) -> CaseClockOut:
        return await pauses.resume(conn, user, task_id, now)
