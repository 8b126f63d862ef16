from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, WebSocket, get, post, websocket
from litestar.datastructures import State
from litestar.enums import MediaType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth.guards import requires_helpdesk, requires_login
from api.deps import AppSettings, Conn, CurrentUser, Redis
from api.faq.index import index_for
from api.faq.schemas import AskOut
from api.helpdesk import hours, live, service, service_inbox
from api.helpdesk.schemas import (
    ChatIn,
    ChatMessageOut,
    ConversationDetail,
    ConversationOut,
    ReplyIn,
    ResolveIn,
    TransferIn,
)
from api.idempotency import IdempotencyKey, run_once
from wechat import push as wxpush
from wechat.errors import push_too_large

PUBLIC = {"exclude_from_auth": True}
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Offset = Annotated[int, QueryParameter(ge=0)]


def _clock(state: State) -> Any:
    """The time the F140 hours are judged by; tests set ``app.state.helpdesk_clock``."""
    return state.get("helpdesk_clock") or hours.now


class ChatController(Controller):
    path = "/chat"
    tags = ["chat"]
    guards = [requires_login]

    @post("/messages", operation_id="chatSend", summary="在线咨询：发送消息")
    async def send(self, data: JSONBody[ChatIn], conn: Conn, user: CurrentUser, state: State, redis: Redis,
                   idempotency_key: IdempotencyKey = None) -> list[ChatMessageOut]:
        return await run_once(
            conn, user_id=user.id, scope="chat.send", key=idempotency_key, payload=data,
            action=lambda: service_inbox.receive(conn, index_for(state), user_id=user.id, channel="app",
                                                 text=data.text, redis=redis, now=_clock(state)()),
            result_type=list[ChatMessageOut])

    @get("/messages", operation_id="chatMessages", summary="在线咨询：我的消息")
    async def messages(self, conn: Conn, user: CurrentUser, limit: Limit = 50) -> list[ChatMessageOut]:
        return await service_inbox.user_messages(conn, user.id, limit)


class HelpdeskController(Controller):
    path = "/helpdesk"
    tags = ["helpdesk"]
    guards = [requires_helpdesk]

    @get("/conversations", operation_id="helpdeskConversations", summary="咨询会话列表（待接待、我的、已结束）")
    async def conversations(self, conn: Conn, user: CurrentUser,
                            status: Annotated[Literal["waiting", "mine", "resolved", "all"],
                                              QueryParameter(description="waiting | mine | resolved | all")] = "waiting",
                            q: Annotated[str | None, QueryParameter(max_length=100, description="按消息内容搜索")] = None,
                            limit: Limit = 50, offset: Offset = 0) -> list[ConversationOut]:
        return await service.list_conversations(conn, user, status=status, text=q, limit=limit, offset=offset)

    @get("/conversations/{conversation_id:int}", operation_id="helpdeskConversation", summary="咨询会话详情")
    async def conversation(self, conversation_id: FromPath[int], conn: Conn) -> ConversationDetail:
        return await service.get_conversation(conn, conversation_id)

    @post("/conversations/{conversation_id:int}/claim", operation_id="helpdeskClaim", summary="接待咨询",
          status_code=200)
    async def claim(self, conversation_id: FromPath[int], conn: Conn, user: CurrentUser, redis: Redis) -> ConversationOut:
        return await service.claim(conn, user, conversation_id, redis=redis)

    @post("/conversations/{conversation_id:int}/reply", operation_id="helpdeskReply", summary="回复咨询")
    async def reply(self, conversation_id: FromPath[int], data: JSONBody[ReplyIn], conn: Conn, user: CurrentUser,
                    redis: Redis) -> ChatMessageOut:
        return await service.reply(conn, user, conversation_id, data.text, redis=redis)

    @post("/conversations/{conversation_id:int}/transfer", operation_id="helpdeskTransfer", summary="转交其他导航员",
          status_code=200)
    async def transfer(self, conversation_id: FromPath[int], data: JSONBody[TransferIn], conn: Conn,
                       user: CurrentUser, redis: Redis) -> ConversationOut:
        return await service.transfer(conn, user, conversation_id, data.agent_id, redis=redis)

    @post("/conversations/{conversation_id:int}/resolve", operation_id="helpdeskResolve",
          summary="结束咨询（可一并生成知识库问答）", status_code=200)
    async def resolve(self, conversation_id: FromPath[int], conn: Conn, user: CurrentUser, redis: Redis,
                      data: JSONBody[ResolveIn | None] = None) -> ConversationOut:
        return await service.resolve(conn, user, conversation_id, data or ResolveIn(), redis=redis)

    @get("/canned", operation_id="helpdeskCanned", summary="常用答复（来自知识库）")
    async def canned(self, conn: Conn, state: State,
                     q: Annotated[str, QueryParameter(min_length=1, max_length=200)]) -> AskOut:
        return await service.canned(conn, index_for(state), q)


@websocket("/helpdesk/live", guards=[requires_helpdesk])
async def helpdesk_live(socket: WebSocket) -> None:
    await live.serve(socket)


class WechatPushController(Controller):
    path = "/wechat/push"
    tags = ["wechat"]

    @get("/", opt=PUBLIC, operation_id="wechatPushVerify", summary="微信消息推送：服务器地址校验",
         media_type=MediaType.TEXT)
    async def verify(self, request: Request, settings: AppSettings) -> str:
        return service_inbox.read_push_signature(dict(request.query_params), settings)

    # Litestar enforces the limit while reading: an oversize Content-Length is refused before any
    # byte is read, and a chunked body is cut off as soon as it passes 64 KB.
    @post("/", opt=PUBLIC, operation_id="wechatPush", summary="微信消息推送：接收客服消息与事件",
          media_type=MediaType.TEXT, status_code=200, request_max_body_size=wxpush.MAX_BODY,
          exception_handlers={RequestEntityTooLarge: push_too_large})
    async def receive(self, request: Request, conn: Conn, settings: AppSettings) -> Response[str]:
        msg = service_inbox.read_push(await request.body(), dict(request.query_params), settings)
        await service_inbox.store_push(conn, msg)
        return Response("success", media_type=MediaType.TEXT)
