"""Approver pages: the queue, one task (form, materials, timeline), claim, decide, batch approve.

Every action calls the same ``api.approvals`` service functions as ``/api/v1/tasks``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, PathParameter, QueryParameter
from litestar.response import Stream, Template

from api.agency import staff_letter
from api.appointments.routes import DEPENDENCIES as BOOKING_DEPENDENCIES
from api.appointments.routes import BookingPolicy
from api.approvals import service as approvals
from api.approvals.service import detail as task_details, pauses as task_pauses
from api.approvals.schemas_rights import CaseMessageIn, PauseIn
from api.approvals.service import thread as case_thread, urging
from api.applications import service as applications
from api.clock import local_day
from api.approvals.schemas import BatchDecisionIn, DecisionIn
from api.auth.guards import requires_approver
from api.console import case_clocks, service as console
from api.console.routes import page
from api.console.routes_fulfilment import exam_slots
from api.deps import AppSettings, Conn, Now
from api.storage import storage_for

MaterialCode = Annotated[str, PathParameter(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]


class ApproverPages(Controller):
    path = "/tasks"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleTasks", summary="工作台：审批待办")
    async def queue(self, request: Request, conn: Conn, now: Now,
                    mine: Annotated[bool, QueryParameter(name="mine")] = False) -> Template:
        tasks = await approvals.list_tasks(conn, request.user, step=None, service_code=None, status=None,
                                           mine=mine, overdue=None, cursor=None, limit=50, now=now)
        return page("tasks.html", request, active="tasks", tasks=tasks.items, mine=mine,
                    clocks=await case_clocks.of_tasks(conn, tasks.items, local_day(now)))

    @get("/{task_id:int}", operation_id="consoleTask", summary="工作台：待办详情",
         dependencies=BOOKING_DEPENDENCIES)
    async def task(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now,
                   policy: BookingPolicy) -> Template:
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        return page("task.html", request, active="tasks", t=detail,
                    exam_slots=await exam_slots(conn, detail, now=now, policy=policy),
                    clock=await applications.clock_of(conn, detail.task.application_id, local_day(now)),
                    messages=await case_thread.thread_for_page(conn, request.user, task_id),
                    gap_additions=await applications.additions_of(conn, detail.task.application_id),
                    # issue 23: the case's 催办 (answered from here) and manual re-reviews
                    urgings=await urging.of_case_for_staff(conn, detail.task.application_id),
                    rereviews=await applications.rereviews_of(conn, detail.task.application_id),
                    today=local_day(now))

    @get("/{task_id:int}/materials/{code:str}", operation_id="consoleTaskMaterial", summary="工作台：查看材料文件")
    async def material(self, request: Request, conn: Conn, settings: AppSettings, task_id: FromPath[int],
                       code: MaterialCode) -> Stream:
        # Authorised like the API's material route: only approvers of the task's step (or admins).
        body, content_type, name = await task_details.material_stream(conn, request.user, settings, task_id, code)
        return Stream(body, media_type=content_type,
                      headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    @get("/{task_id:int}/agency-letter", operation_id="consoleTaskAgencyLetter", summary="工作台：代办授权委托书")
    async def agency_letter(self, request: Request, conn: Conn, settings: AppSettings, task_id: FromPath[int]) -> Stream:
        # issue 20 (F093): like a material, only for approvers of the task's step (or admins)
        body, content_type = await staff_letter.letter(conn, request.user, task_id, storage_for(settings))
        return Stream(body, media_type=content_type,
                      headers={"Content-Disposition": "inline; filename*=UTF-8''authorisation-letter"})

    @get("/{task_id:int}/materials/{code:str}/pages/{page_no:int}", operation_id="consoleTaskMaterialPage",
         summary="工作台：查看材料的某一页")
    async def material_page(self, request: Request, conn: Conn, settings: AppSettings, task_id: FromPath[int],
                            code: MaterialCode, page_no: FromPath[int]) -> Stream:
        body, content_type, name = await task_details.material_stream(conn, request.user, settings, task_id, code,
                                                                   page_no)
        return Stream(body, media_type=content_type,
                      headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    @post("/{task_id:int}/claim", operation_id="consoleTaskClaim", summary="工作台：认领待办", status_code=200)
    async def claim(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now) -> Template:
        await approvals.claim(conn, request.user, task_id, now=now)
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        return page("_task.html", request, t=detail, note="已认领，请审查后作出决定")

    @post("/{task_id:int}/decision", operation_id="consoleTaskDecision", summary="工作台：审批决定",
          status_code=200)
    async def decide(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now) -> Template:
        form = await request.form()
        decision = console.convert(console.decision_values(form), DecisionIn)
        done = await approvals.decide(conn, request.user, task_id, decision, now=now)
        flags = await applications.additions_of(conn, done.application_id) if done.gap_notice_id else []
        return page("_decided.html", request, d=done, gap_additions=flags)

    @post("/{task_id:int}/pause", operation_id="consoleTaskPause", summary="工作台：暂停计时（现场核查、技术评估）",
          status_code=200)
    async def pause(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now) -> Template:
        form = await request.form()
        data = console.convert({"kind": form.get("kind"), "reason": form.get("reason")}, PauseIn)
        clock = await task_pauses.pause(conn, request.user, task_id, data, now)
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        return page("_task.html", request, t=detail, clock=clock, note="已暂停计时，暂停期间不计入办理时限")

    @post("/{task_id:int}/resume", operation_id="consoleTaskResume", summary="工作台：结束暂停，恢复计时",
          status_code=200)
    async def resume(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now) -> Template:
        clock = await task_pauses.resume(conn, request.user, task_id, now)
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        return page("_task.html", request, t=detail, clock=clock, note=f"已恢复计时，预计办结日期 {clock.due_on}")

    @post("/{task_id:int}/messages", operation_id="consoleTaskMessage", summary="工作台：回复申请人留言",
          status_code=200)
    async def message(self, request: Request, conn: Conn, task_id: FromPath[int], now: Now) -> Template:
        form = await request.form()
        data = console.convert({"text": form.get("text")}, CaseMessageIn)
        await case_thread.post_as_staff(conn, request.user, task_id, data.text)
        detail = await task_details.get_task(conn, request.user, task_id, now=now)
        return page("_task.html", request, t=detail, note="已回复申请人",
                    messages=await case_thread.thread_for_page(conn, request.user, task_id))

    @post("/batch", operation_id="consoleTasksBatch", summary="工作台：批量准予", status_code=200)
    async def batch(self, request: Request, conn: Conn, now: Now) -> Template:
        form = await request.form()
        data = console.convert(console.batch_values(form), BatchDecisionIn)
        done = await approvals.decide_batch(conn, request.user, data, now=now)
        tasks = await approvals.list_tasks(conn, request.user, step=None, service_code=None, status=None,
                                           mine=False, overdue=None, cursor=None, limit=50, now=now)
        return page("_tasks.html", request, tasks=tasks.items, note=f"已批量准予 {len(data.items)} 件", batch=done,
                    clocks=await case_clocks.of_tasks(conn, tasks.items, local_day(now)))
