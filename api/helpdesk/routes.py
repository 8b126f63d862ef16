from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, WebSocket, get, post, put, websocket
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.enums import MediaType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from api import clock
from api.auth.guards import requires_helpdesk, requires_login, requires_role
from api.deps import AppSettings, Conn, CurrentUser, Redis, WeChat
from api.faq.index import index_for
from api.faq.schemas import AskOut
from api.helpdesk import checks, live, media, service
from api.helpdesk.service import callbacks as phone_callbacks, history, inbox, sms
from api.helpdesk.schemas import (
    AgentExtensionIn,
    CallbackOut,
    CallbackOutcomeIn,
    CaseLinkIn,
    ChatIn,
    ChatMessageOut,
    ConversationDetail,
    ConversationOut,
    HeldMessageOut,
    MyConversationDetail,
    MyConversationOut,
    ReplyIn,
    ResolveIn,
    SmsReplyIn,
    TransferIn,
)
from api.idempotency import IdempotencyKey, run_once
from api.storage import FILE_HEADERS, storage_for
from wechat import push as wxpush
from wechat.push import push_too_large

PUBLIC = {"exclude_from_auth": True}
LEADS_TOO = {"leads": True}  # a help-desk route leads may also read (F141: overdue callbacks)
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Offset = Annotated[int, QueryParameter(ge=0)]


_leads_too = requires_role("helpdesk", "admin", "lead")


async def requires_helpdesk_or_marked_for_leads(connection: ASGIConnection, handler: Any) -> None:
    await (_leads_too if handler.opt.get("leads") else requires_helpdesk)(connection, handler)


def _now(state: State) -> Any:
    """The time the F140 hours are judged by: the app's clock, in Beijing time."""
    return clock.local_now(state)


class ChatController(Controller):
    path = "/chat"
    tags = ["chat"]
    guards = [requires_login]

    @post("/messages", operation_id="chatSend", summary="在线咨询：发送消息")
    async def send(self, data: JSONBody[ChatIn], conn: Conn, user: CurrentUser, state: State, redis: Redis,
                   wechat: WeChat, idempotency_key: IdempotencyKey = None) -> list[ChatMessageOut]:
        return await run_once(
            conn, user_id=user.id, scope="chat.send", key=idempotency_key, payload=data,
            action=lambda: inbox.receive(conn, index_for(state), user_id=user.id, channel="app",
                                                 text=data.text, redis=redis, now=_now(state), wechat=wechat),
            result_type=list[ChatMessageOut])

    @get("/messages", operation_id="chatMessages", summary="在线咨询：我的消息（全部咨询，可向前翻页）")
    async def messages(self, conn: Conn, user: CurrentUser, limit: Limit = 50,
                       before: Annotated[int | None, QueryParameter(ge=1, description="只返回此消息 id 之前的消息")] = None
                       ) -> list[ChatMessageOut]:
        return await history.messages(conn, user.id, limit=limit, before=before)

    @get("/conversations", operation_id="chatMyConversations", summary="我的—咨询记录")
    async def my_conversations(self, conn: Conn, user: CurrentUser, limit: Limit = 20,
                               offset: Offset = 0) -> list[MyConversationOut]:
        return await history.conversations(conn, user.id, limit=limit, offset=offset)

    @get("/conversations/{conversation_id:int}", operation_id="chatMyConversation", summary="我的—咨询记录：历史对话")
    async def my_conversation(self, conversation_id: FromPath[int], conn: Conn, user: CurrentUser) -> MyConversationDetail:
        return await history.conversation(conn, user.id, conversation_id)


class HeldMessagesController(Controller):
    """Texts WeChat's content check held: never for agents; a lead or an admin reviews them."""

    path = "/helpdesk/held-messages"
    tags = ["helpdesk"]
    guards = [requires_role("admin", "lead")]

    @get("/", operation_id="helpdeskHeldMessages", summary="内容安全检查暂存的用户消息（组长、管理员复核）")
    async def held(self, conn: Conn, limit: Limit = 100) -> list[HeldMessageOut]:
        return await checks.held(conn, limit=limit)

    @post("/{message_id:int}/release", operation_id="helpdeskReleaseHeldMessage", status_code=200,
          summary="复核后放行暂存消息（导航员即可看到）")
    async def release(self, message_id: FromPath[int], conn: Conn, user: CurrentUser, redis: Redis) -> ChatMessageOut:
        return await checks.release(conn, user.id, message_id, redis=redis)


class HelpdeskController(Controller):
    path = "/helpdesk"
    tags = ["helpdesk"]
    guards = [requires_helpdesk_or_marked_for_leads]

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

    @get("/messages/{message_id:int}/media", operation_id="helpdeskMessageMedia",
         summary="用户通过微信发来的图片或语音（文件）")
    async def message_media(self, message_id: FromPath[int], conn: Conn, settings: AppSettings) -> Stream:
        key, content_type = await media.stored(conn, message_id)
        return Stream(storage_for(settings).read(key), media_type=content_type, headers=FILE_HEADERS)

    @post("/conversations/{conversation_id:int}/sms-reply", operation_id="helpdeskSmsReply",
          summary="以短信回复（微信48小时回复窗口已关闭时；每个咨询24小时内最多3条）")
    async def sms_reply(self, conversation_id: FromPath[int], data: JSONBody[SmsReplyIn], conn: Conn,
                        user: CurrentUser, redis: Redis, state: State) -> ChatMessageOut:
        return await sms.sms_reply(conn, user, conversation_id, data.text, redis=redis, now=clock.now(state))

    @post("/conversations/{conversation_id:int}/transfer", operation_id="helpdeskTransfer", summary="转交其他导航员",
          status_code=200)
    async def transfer(self, conversation_id: FromPath[int], data: JSONBody[TransferIn], conn: Conn,
                       user: CurrentUser, redis: Redis) -> ConversationOut:
        return await service.transfer(conn, user, conversation_id, data.agent_id, redis=redis)

    @post("/conversations/{conversation_id:int}/resolve", operation_id="helpdeskResolve",
          summary="结束咨询（可一并生成知识库问答）", status_code=200)
    async def resolve(self, conversation_id: FromPath[int], conn: Conn, user: CurrentUser, redis: Redis,
                      state: State, data: JSONBody[ResolveIn | None] = None) -> ConversationOut:
        return await service.resolve(conn, user, conversation_id, data or ResolveIn(), redis=redis,
                                     now=_now(state))

    @put("/conversations/{conversation_id:int}/case", operation_id="helpdeskLinkCase",
         summary="关联咨询涉及的办件（按办件编号），标记为重要咨询")
    async def link_case(self, conversation_id: FromPath[int], data: JSONBody[CaseLinkIn], conn: Conn,
                        user: CurrentUser) -> ConversationOut:
        return await phone_callbacks.link_case(conn, user, conversation_id, data)

    @post("/conversations/{conversation_id:int}/supplement-extension", operation_id="helpdeskSupplementExtension",
          summary="代用户申请补正期限延期（限一次）")
    async def extend_supplement(self, conversation_id: FromPath[int], data: JSONBody[AgentExtensionIn], conn: Conn,
                                user: CurrentUser, state: State, redis: Redis,
                                idempotency_key: IdempotencyKey = None) -> ChatMessageOut:
        return await run_once(
            conn, user_id=user.id, scope=f"helpdesk_extension:{conversation_id}", key=idempotency_key, payload=data,
            action=lambda: phone_callbacks.grant_extension(conn, user, conversation_id, data.reason,
                                                             now=_now(state), redis=redis),
            result_type=ChatMessageOut)

    @get("/callbacks", operation_id="helpdeskCallbacks", summary="电话回访任务（待回访、已逾期、我的、已完成）")
    async def callbacks(self, conn: Conn, user: CurrentUser, state: State,
                        status: Annotated[Literal["due", "overdue", "mine", "closed", "all"],
                                          QueryParameter(description="due | overdue | mine | closed | all")] = "due",
                        limit: Limit = 50, offset: Offset = 0) -> list[CallbackOut]:
        return await phone_callbacks.list_callbacks(conn, user, status=status, now=_now(state),
                                                      limit=limit, offset=offset)

    @get("/callbacks/overdue", operation_id="helpdeskOverdueCallbacks", opt=LEADS_TOO,
         summary="逾期未回访的任务（导航员、负责人可见，电话隐去）")
    async def overdue_callbacks(self, conn: Conn, user: CurrentUser, state: State, limit: Limit = 50,
                                offset: Offset = 0) -> list[CallbackOut]:
        return await phone_callbacks.list_callbacks(conn, user, status="overdue", now=_now(state),
                                                      limit=limit, offset=offset)

    @get("/callbacks/{callback_id:int}", operation_id="helpdeskCallback", summary="电话回访详情（领取人可见完整电话）")
    async def callback(self, callback_id: FromPath[int], conn: Conn, user: CurrentUser, state: State) -> CallbackOut:
        return await phone_callbacks.get_callback(conn, user, callback_id, now=_now(state))

    @post("/callbacks/{callback_id:int}/claim", operation_id="helpdeskCallbackClaim", summary="领取电话回访",
          status_code=200)
    async def claim_callback(self, callback_id: FromPath[int], conn: Conn, user: CurrentUser,
                             state: State) -> CallbackOut:
        return await phone_callbacks.claim_callback(conn, user, callback_id, now=_now(state))

    @post("/callbacks/{callback_id:int}/outcome", operation_id="helpdeskCallbackOutcome", summary="记录回访结果",
          status_code=200)
    async def callback_outcome(self, callback_id: FromPath[int], data: JSONBody[CallbackOutcomeIn], conn: Conn,
                               user: CurrentUser, state: State, redis: Redis,
                               idempotency_key: IdempotencyKey = None) -> CallbackOut:
        return await run_once(
            conn, user_id=user.id, scope=f"helpdesk_callback:{callback_id}", key=idempotency_key, payload=data,
            action=lambda: phone_callbacks.record_outcome(conn, user, callback_id, data, now=_now(state),
                                                            redis=redis),
            result_type=CallbackOut)

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
    async def verify(self, request: Request, settings: AppSettings, redis: Redis, state: State) -> str:
        return await inbox.verify_push_url(redis, dict(request.query_params), settings, now=clock.now(state))

    # Litestar enforces the limit while reading: an oversize Content-Length is refused before any
    # byte is read, and a chunked body is cut off as soon as it passes 64 KB.
    @post("/", opt=PUBLIC, operation_id="wechatPush", summary="微信消息推送：接收客服消息与事件",
          media_type=MediaType.TEXT, status_code=200, request_max_body_size=wxpush.MAX_BODY,
          exception_handlers={RequestEntityTooLarge: push_too_large})
    async def receive(self, request: Request, conn: Conn, settings: AppSettings, redis: Redis,
                      state: State) -> Response[str]:
        await inbox.accept_push(conn, redis, await request.body(), dict(request.query_params), settings,
                                        now=clock.now(state))
        return Response("success", media_type=MediaType.TEXT)
