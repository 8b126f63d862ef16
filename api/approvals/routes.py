"""Approvers on their phones: the task queue, claims, decisions and exams (deliveries: api.licences.routes)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from api.approvals import service
from api.approvals.service import access, detail
from api.approvals.schemas import (
    BatchDecisionIn,
    BatchDecisionOut,
    DecisionIn,
    DecisionOut,
    TaskOut,
    TaskPage,
)
from api.approvals.schemas_access import CaseAccessLog, CaseViewAuditPage
from api.approvals.schemas_detail import TaskDetail
from api.auth.guards import requires_admin, requires_approver, requires_login
from api.deps import AppSettings, Conn, CurrentUser, Now
from api.exams import service as exams
from api.exams.schemas import ExamOut, ExamResultIn, ExamSlotIn
from api.idempotency import IdempotencyKey, run_once
from api.storage import FILE_HEADERS

StepQuery = Annotated[str | None, QueryParameter(name="step", pattern=r"^[a-z][a-z0-9_]{1,31}$")]
ServiceCodeQuery = Annotated[str | None, QueryParameter(name="serviceCode", pattern=r"^[a-z][a-z0-9-]{1,63}$")]
StatusQuery = Annotated[Literal["open", "claimed", "waiting_exam"] | None, QueryParameter(name="status")]
CursorQuery = Annotated[str | None, QueryParameter(name="cursor", pattern=r"^[0-9]{1,18}$")]
LimitQuery = Annotated[int, QueryParameter(name="limit", ge=1, le=50)]


class TaskController(Controller):
    path = "/tasks"
    tags = ["approvals"]
    guards = [requires_approver]

    @get("/", operation_id="listTasks", summary="我的待办（按审批环节）")
    async def list_tasks(self, conn: Conn, user: CurrentUser, now: Now, step: StepQuery = None,
                         service_code: ServiceCodeQuery = None, status: StatusQuery = None,
                         mine: Annotated[bool, QueryParameter(name="mine")] = False,
                         overdue: Annotated[bool | None, QueryParameter(name="overdue")] = None,
                         cursor: CursorQuery = None, limit: LimitQuery = 20) -> TaskPage:
        return await service.list_tasks(conn, user, step=step, service_code=service_code, status=status,
                                        mine=mine, overdue=overdue, cursor=cursor, limit=limit, now=now)

    @get("/{task_id:int}", operation_id="getTask", summary="待办详情（表单、材料、办理过程）")
    async def get_task(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], now: Now) -> TaskDetail:
        return await detail.get_task(conn, user, task_id, now=now)

    @get("/{task_id:int}/materials/{code:str}", operation_id="getTaskMaterial", summary="查看申请材料文件")
    async def material(self, conn: Conn, user: CurrentUser, settings: AppSettings, task_id: FromPath[int], code: FromPath[str]) -> Stream:
        body, content_type, name = await detail.material_stream(conn, user, settings, task_id, code)
        return Stream(body, media_type=content_type,
                      headers={**FILE_HEADERS, "Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    @get("/{task_id:int}/materials/{code:str}/pages/{page_no:int}", operation_id="getTaskMaterialPage",
         summary="查看申请材料的某一页")
    async def material_page(self, conn: Conn, user: CurrentUser, settings: AppSettings, task_id: FromPath[int],
                            code: FromPath[str], page_no: FromPath[int]) -> Stream:
        body, content_type, name = await detail.material_stream(conn, user, settings, task_id, code, page_no)
        return Stream(body, media_type=content_type,
                      headers={**FILE_HEADERS, "Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    @get("/case-views", operation_id="adminListCaseViews", guards=[requires_admin],
         summary="工作人员查看办件的记录（审计：按人员或办件）")
    async def case_views(self, conn: Conn,
                         staff_id: Annotated[int | None, QueryParameter(name="staffId", ge=1)] = None,
                         application_id: Annotated[int | None, QueryParameter(name="applicationId", ge=1)] = None,
                         cursor: CursorQuery = None, limit: LimitQuery = 20) -> CaseViewAuditPage:
        # an admin's audit of staff looks at cases (F145); here because these controllers are mounted
        return await access.views_for_audit(conn, viewer_id=staff_id, application_id=application_id,
                                            cursor=cursor, limit=limit)

    @post("/{task_id:int}/claim", operation_id="claimTask", summary="认领待办", status_code=200)
    async def claim(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], now: Now) -> TaskOut:
        return await service.claim(conn, user, task_id, now=now)

    @post("/{task_id:int}/release", operation_id="releaseTask", summary="放弃认领", status_code=200)
    async def release(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], now: Now) -> TaskOut:
        return await service.release(conn, user, task_id, now=now)

    @post("/{task_id:int}/decision", operation_id="decideTask", summary="作出审批决定（同意、不予许可、退回补正）",
          status_code=200)
    async def decide(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], data: JSONBody[DecisionIn],
                     now: Now, idempotency_key: IdempotencyKey = None) -> DecisionOut:
        return await run_once(conn, user_id=user.id, scope=f"approvals.decision.{task_id}", key=idempotency_key,
                              payload=data, action=lambda: service.decide(conn, user, task_id, data, now=now),
                              result_type=DecisionOut)

    @post("/batch-decision", operation_id="decideTasksInBatch", summary="批量审批（全部成功或全部不变）",
          status_code=200)
    async def batch(self, conn: Conn, user: CurrentUser, data: JSONBody[BatchDecisionIn], now: Now,
                    idempotency_key: IdempotencyKey = None) -> BatchDecisionOut:
        return await run_once(conn, user_id=user.id, scope="approvals.batch", key=idempotency_key, payload=data,
                              action=lambda: service.decide_batch(conn, user, data, now=now),
                              result_type=BatchDecisionOut)

    @post("/{task_id:int}/exam-slot", operation_id="assignTaskExamSlot", summary="为申请人安排考试场次",
          status_code=201)
    async def exam_slot(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], data: JSONBody[ExamSlotIn],
                        idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
        return await run_once(conn, user_id=user.id, scope=f"approvals.exam_slot.{task_id}", key=idempotency_key,
                              payload=data, result_type=dict,
                              action=lambda: exams.assign_exam_slot(conn, user, task_id, data.slot_id))

    @post("/{task_id:int}/exam-result", operation_id="recordExamResult", summary="录入考试成绩", status_code=200)
    async def exam_result(self, conn: Conn, user: CurrentUser, task_id: FromPath[int], data: JSONBody[ExamResultIn],
                          now: Now) -> ExamOut:
        return await exams.record_exam_result(conn, user, task_id, data, now=now)


class CaseAccessLogController(Controller):
    """The applicant's own case: who at the bureau looked at it (F145)."""

    path = "/applications"
    tags = ["approvals"]
    guards = [requires_login]

    @get("/{application_id:int}/access-log", operation_id="getApplicationAccessLog",
         summary="查看记录：哪些工作人员何时查看了我的办件")
    async def access_log(self, conn: Conn, user: CurrentUser, application_id: FromPath[int]) -> CaseAccessLog:
        # F145 "每次查看都留有记录": who at the bureau looked at the caller's own case and when
        return await access.access_log(conn, user, application_id)
