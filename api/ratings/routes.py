from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth.guards import requires_admin, requires_login, requires_role
from api.deps import Conn, CurrentUser, Now, WeChat
from api.idempotency import IdempotencyKey, run_once
from api.identity import require_verified
from api.ratings import checks, service
from api.ratings.service import followup
from api.ratings.schemas import (
    AdminRatingDetail,
    AdminRatingOut,
    CallBackIn,
    CommentIn,
    FollowUpIn,
    HeldRatingTextOut,
    Policy,
    PolicyIn,
    RatingIn,
    RatingOut,
    VoidIn,
)


requires_follow_up_staff = requires_role("admin", "lead")


class RatingController(Controller):
    path = "/ratings"
    tags = ["ratings"]
    guards = [requires_login]

    @post("/", operation_id="createRating", summary="评价已办结的服务（好差评）", status_code=201)
    async def create(self, data: JSONBody[RatingIn], conn: Conn, user: CurrentUser, now: Now, wechat: WeChat,
                     idempotency_key: IdempotencyKey = None) -> RatingOut:
        await require_verified(conn, user.id)  # F088
        return await run_once(conn, user_id=user.id, scope="ratings.create", key=idempotency_key, payload=data,
                              action=lambda: service.rate(conn, user=user, data=data, now=now, wechat=wechat),
                              result_type=RatingOut)

    @get("/", operation_id="listMyRatings", summary="我的评价（含差评回访整改结果）")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[RatingOut]:
        return await service.mine(conn, user=user)

    @post("/{rating_id:int}/comments", operation_id="appendRatingComment", summary="追加评论（评价后7天内）",
          status_code=201)
    async def comment(self, rating_id: FromPath[int], data: JSONBody[CommentIn], conn: Conn, user: CurrentUser,
                      now: Now, wechat: WeChat) -> RatingOut:
        return await service.append_comment(conn, user=user, rating_id=rating_id, text=data.text, now=now,
                                            wechat=wechat)


class RatingAdminController(Controller):
    path = "/admin/ratings"
    tags = ["ratings"]
    guards = [requires_follow_up_staff]

    @get("/", operation_id="adminListRatings", summary="评价列表（bad=true 仅差评，overdue=true 仅超期）")
    async def list_ratings(self, conn: Conn, now: Now, bad: Annotated[bool | None, QueryParameter()] = None,
                           overdue: Annotated[bool, QueryParameter()] = False,
                           include_voided: Annotated[bool, QueryParameter(name="includeVoided")] = False,
                           before_id: Annotated[int | None, QueryParameter(name="beforeId", gt=0)] = None,
                           limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50) -> list[AdminRatingOut]:
        return await followup.admin_list(conn, bad=bad, overdue=overdue, include_voided=include_voided,
                                                 before_id=before_id, limit=limit, now=now)

    @get("/held-texts", operation_id="listHeldRatingTexts", summary="未通过内容安全检查的评价内容（待复核）")
    async def held(self, conn: Conn) -> list[HeldRatingTextOut]:
        return await checks.held(conn)

    @post("/held-texts/{kind:str}/{text_id:int}/release", operation_id="releaseRatingText",
          summary="复核放行暂存的评价内容（kind: rating 评价内容，comment 追加评论）", status_code=204)
    async def release(self, kind: FromPath[Literal["rating", "comment"]], text_id: FromPath[int], conn: Conn,
                      user: CurrentUser) -> None:
        await checks.release(conn, user.id, kind, text_id)

    @get("/{rating_id:int}", operation_id="adminGetRating", summary="评价详情及回访整改记录")
    async def one(self, rating_id: FromPath[int], conn: Conn, now: Now) -> AdminRatingDetail:
        return await followup.admin_get(conn, rating_id, now=now)

    @post("/{rating_id:int}/call-back", operation_id="recordRatingCallBack", summary="登记差评电话回访",
          status_code=200)
    async def call_back(self, rating_id: FromPath[int], data: JSONBody[CallBackIn], conn: Conn, user: CurrentUser,
                        now: Now) -> AdminRatingDetail:
        return await followup.call_back(conn, rating_id, actor_id=user.id, note=data.note, now=now)

    @post("/{rating_id:int}/follow-up", operation_id="recordRatingFollowUp", summary="登记差评整改说明和处理结果",
          status_code=200)
    async def follow_up(self, rating_id: FromPath[int], data: JSONBody[FollowUpIn], conn: Conn, user: CurrentUser,
                        now: Now) -> AdminRatingDetail:
        return await followup.close(conn, rating_id, actor_id=user.id, note=data.note,
                                            outcome=data.outcome, now=now)

    @post("/{rating_id:int}/void", operation_id="voidRating", summary="作废误评或恶意评价（须说明理由）",
          status_code=200, guards=[requires_admin])
    async def void(self, rating_id: FromPath[int], data: JSONBody[VoidIn], conn: Conn, user: CurrentUser,
                   now: Now) -> AdminRatingDetail:
        return await followup.void(conn, rating_id, actor_id=user.id, reason=data.reason, now=now)

    @get("/policy", operation_id="getRatingPolicy", summary="差评回访整改时限")
    async def get_policy(self, conn: Conn) -> Policy:
        return await followup.policy(conn)

    @put("/policy", operation_id="setRatingPolicy", summary="设置差评回访整改时限（工作日）",
         guards=[requires_admin])
    async def put_policy(self, data: JSONBody[PolicyIn], conn: Conn) -> Policy:
        return await followup.set_policy(conn, data)
