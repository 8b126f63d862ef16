"""催办 (F109): the applicant urges a case past its expected finish date; the step's staff answer;
leads see the urged cases (效能督查)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from api.approvals.schemas_rights import UrgeAnswerIn, UrgingOut
from api.approvals.service import urging
from api.auth.guards import requires_approver, requires_login, requires_role
from api.deps import Conn, CurrentUser, Now
from api.idempotency import IdempotencyKey, run_once


class CaseUrgingController(Controller):
    path = "/applications"
    tags = ["approvals"]
    guards = [requires_login]

    @post("/{application_id:int}/urge", operation_id="urgeApplication",
          summary="催办（超过预计办结日期后，每个工作日一次，1个工作日内答复）", status_code=201)
    async def urge(self, conn: Conn, user: CurrentUser, application_id: FromPath[int], now: Now,
                   idempotency_key: IdempotencyKey = None) -> UrgingOut:
        return await run_once(conn, user_id=user.id, scope=f"approvals.urge.{application_id}", key=idempotency_key,
                              payload=None, result_type=UrgingOut,
                              action=lambda: urging.urge(conn, user, application_id, now))

    @get("/{application_id:int}/urgings", operation_id="listApplicationUrgings", summary="我的催办及答复")
    async def urgings(self, conn: Conn, user: CurrentUser, application_id: FromPath[int]) -> list[UrgingOut]:
        return await urging.of_case(conn, user, application_id)


class UrgingController(Controller):
    path = "/urgings"
    tags = ["approvals"]
    guards = [requires_approver]

    @get("/", operation_id="listUrgings", summary="效能督查：被催办的在办件（负责人、管理员）",
         guards=[requires_role("lead", "admin")])
    async def supervision(self, conn: Conn, user: CurrentUser) -> list[UrgingOut]:
        return await urging.supervision(conn, user)

    @get("/to-answer", operation_id="listUrgingsToAnswer",
         summary="待我答复的催办（本人办理环节的未答复催办，答复日最早的在前）")
    async def to_answer(self, conn: Conn, user: CurrentUser) -> list[UrgingOut]:
        return await urging.to_answer(conn, user)

    @post("/{urging_id:int}/answer", operation_id="answerUrging", summary="答复催办", status_code=200)
    async def answer(self, conn: Conn, user: CurrentUser, urging_id: FromPath[int], data: JSONBody[UrgeAnswerIn],
                     now: Now) -> UrgingOut:
        return await urging.answer(conn, user, urging_id, data.text, now)
