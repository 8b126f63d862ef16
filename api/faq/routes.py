from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api import ratelimit
from api.auth.guards import requires_admin, requires_login
from api.deps import Conn, CurrentUser, ReadConn
from api.faq import service
from api.faq.index import index_for
from api.faq.schemas import AskOut, EntryIn, EntryOut, EntryPatch, FeedbackIn, FeedbackOut, HandoffOut

PUBLIC = {"exclude_from_auth": True}
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Offset = Annotated[int, QueryParameter(ge=0)]
# Anyone may ask, unsigned, and a question ending in a hand-off is written down: 120 a minute per
# account when signed in, else per address (mobile carriers put many people behind one address;
# nobody types two questions a second). Its own counter: asking never uses up a login's.
ask_rate_limit = ratelimit.limit("faq-ask", ("minute", 120), key=ratelimit.per_account)


class FaqController(Controller):
    path = "/faq"
    tags = ["faq"]

    @get("/ask", opt=PUBLIC, operation_id="faqAsk", summary="智能问答：按问题找答案",
         middleware=[ask_rate_limit.middleware])
    async def ask(self, conn: Conn, state: State,
                  q: Annotated[str, QueryParameter(min_length=1, max_length=200, description="问题")]) -> AskOut:
        return await service.ask(conn, index_for(state), q)

    @get("/", opt=PUBLIC, operation_id="faqList", summary="常见问题列表")
    async def list(self, read_conn: ReadConn, q: Annotated[str | None, QueryParameter(max_length=100)] = None,
                   limit: Limit = 50, offset: Offset = 0) -> list[EntryOut]:
        return await service.list_entries(read_conn, text=q, limit=limit, offset=offset)

    @post("/{entry_id:str}/feedback", guards=[requires_login], operation_id="faqFeedback",
          summary="问答是否有帮助", status_code=200)
    async def feedback(self, entry_id: FromPath[str], data: JSONBody[FeedbackIn], conn: Conn, user: CurrentUser) -> FeedbackOut:
        return await service.feedback(conn, user_id=user.id, entry_id=entry_id, helpful=data.helpful)


class FaqAdminController(Controller):
    path = "/admin/faq"
    tags = ["faq"]
    guards = [requires_admin]

    @get("/", operation_id="adminFaqList", summary="知识库管理：全部问答")
    async def list(self, conn: Conn, status: Annotated[str | None, QueryParameter(pattern="^(draft|active|retired)$")] = None,
                   q: Annotated[str | None, QueryParameter(max_length=100)] = None,
                   limit: Limit = 50, offset: Offset = 0) -> list[EntryOut]:
        return await service.list_entries(conn, status=status, text=q, limit=limit, offset=offset)

    @post("/", operation_id="adminFaqCreate", summary="新增问答")
    async def create(self, data: JSONBody[EntryIn], conn: Conn) -> EntryOut:
        return await service.create_entry(conn, data)

    @patch("/{entry_id:str}", operation_id="adminFaqUpdate", summary="修改问答")
    async def update(self, entry_id: FromPath[str], data: JSONBody[EntryPatch], conn: Conn) -> EntryOut:
        return await service.update_entry(conn, entry_id, data)

    @post("/{entry_id:str}/publish", operation_id="adminFaqPublish",
          summary="发布问答（导航员提交的草稿及相似问法）", status_code=200)
    async def publish(self, entry_id: FromPath[str], conn: Conn) -> EntryOut:
        return await service.publish(conn, entry_id)

    @post("/{entry_id:str}/discard-proposals", operation_id="adminFaqDiscardProposals",
          summary="驳回导航员提交的相似问法", status_code=200)
    async def discard_proposals(self, entry_id: FromPath[str], conn: Conn) -> EntryOut:
        return await service.discard_proposals(conn, entry_id)

    @post("/{entry_id:str}/retire", operation_id="adminFaqRetire", summary="下线问答", status_code=200)
    async def retire(self, entry_id: FromPath[str], conn: Conn) -> EntryOut:
        return await service.set_status(conn, entry_id, "retired")

    @post("/{entry_id:str}/restore", operation_id="adminFaqRestore", summary="重新上线问答", status_code=200)
    async def restore(self, entry_id: FromPath[str], conn: Conn) -> EntryOut:
        return await service.set_status(conn, entry_id, "active")

    @get("/handoffs", operation_id="adminFaqHandoffs", summary="转人工的问题（供知识库整理）")
    async def handoffs(self, conn: Conn, reviewed: FromQuery[bool] = False, limit: Limit = 50,
                       offset: Offset = 0) -> list[HandoffOut]:
        return await service.list_handoffs(conn, reviewed=reviewed, limit=limit, offset=offset)

    @post("/handoffs/{handoff_id:int}/review", operation_id="adminFaqHandoffReviewed",
          summary="标记转人工问题已整理", status_code=204)
    async def reviewed(self, handoff_id: FromPath[int], conn: Conn) -> None:
        await service.review_handoff(conn, handoff_id)
