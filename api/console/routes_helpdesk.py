"""Help-desk pages: the live waiting queue, one conversation, reply / transfer / resolve.

Every action calls the same ``api.helpdesk.service`` functions as ``/api/v1/helpdesk``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from litestar import Controller, Request, Response, WebSocket, get, post, websocket
from litestar.params import FromPath, QueryParameter
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Template

from api.auth.guards import requires_helpdesk
from api.console import service as console
from api.console.routes import Form, page
from api.console.schemas import ReplyForm, ResolveForm, SmsReplyForm, TransferForm
from api import clock
from api.deps import Conn, Redis
from api.faq.index import index_for
from api.helpdesk import live
from api.helpdesk import service as helpdesk
from api.helpdesk.service import history, sms
from api.helpdesk.schemas import ResolveIn


class HelpdeskPages(Controller):
    path = "/helpdesk"
    include_in_schema = False
    guards = [requires_helpdesk]

    @get("/", operation_id="consoleHelpdesk", summary="工作台：咨询接待")
    async def index(self, request: Request, conn: Conn) -> Template:
        user = request.user
        waiting = await helpdesk.list_conversations(conn, user, status="waiting")
        mine = await helpdesk.list_conversations(conn, user, status="mine")
        return page("helpdesk.html", request, active="helpdesk", waiting=waiting, mine=mine)

    @get("/queue", operation_id="consoleHelpdeskQueue", summary="工作台：待接待与我的会话（局部刷新）")
    async def queue(self, request: Request, conn: Conn) -> Template:
        user = request.user
        waiting = await helpdesk.list_conversations(conn, user, status="waiting")
        mine = await helpdesk.list_conversations(conn, user, status="mine")
        return page("_helpdesk_queue.html", request, waiting=waiting, mine=mine)

    @get("/{conversation_id:int}", operation_id="consoleConversation", summary="工作台：咨询会话")
    async def conversation(self, request: Request, conn: Conn, conversation_id: FromPath[int]) -> Template:
        return await conversation_page(request, conn, conversation_id, "conversation.html")

    @post("/{conversation_id:int}/claim", operation_id="consoleConversationClaim", summary="工作台：接待咨询",
          status_code=200)
    async def claim(self, request: Request, conn: Conn, redis: Redis, conversation_id: FromPath[int],
                    open_page: Annotated[bool, QueryParameter(name="open")] = False) -> Response:
        await helpdesk.claim(conn, request.user, conversation_id, redis=redis)
        if open_page:  # claimed from the queue: go to the conversation
            return ClientRedirect(f"/console/helpdesk/{conversation_id}")
        return await conversation_page(request, conn, conversation_id, "_conversation.html", note="已接待")

    @post("/{conversation_id:int}/reply", operation_id="consoleConversationReply", summary="工作台：回复咨询",
          status_code=200)
    async def reply(self, request: Request, conn: Conn, redis: Redis, conversation_id: FromPath[int],
                    data: Annotated[ReplyForm, Form]) -> Template:
        await helpdesk.reply(conn, request.user, conversation_id, data.text, redis=redis)
        return await conversation_page(request, conn, conversation_id, "_conversation.html", note="已回复")

    @post("/{conversation_id:int}/sms-reply", operation_id="consoleConversationSmsReply",
          summary="工作台：以短信回复（微信回复窗口已关闭）", status_code=200)
    async def sms_reply(self, request: Request, conn: Conn, redis: Redis, conversation_id: FromPath[int],
                        data: Annotated[SmsReplyForm, Form]) -> Template:
        await sms.sms_reply(conn, request.user, conversation_id, data.text, redis=redis,
                                    now=clock.now(request.app.state))
        return await conversation_page(request, conn, conversation_id, "_conversation.html", note="已发送短信回复")

    @post("/{conversation_id:int}/transfer", operation_id="consoleConversationTransfer",
          summary="工作台：转交其他导航员", status_code=200)
    async def transfer(self, request: Request, conn: Conn, redis: Redis, conversation_id: FromPath[int],
                       data: Annotated[TransferForm, Form]) -> Template:
        await helpdesk.transfer(conn, request.user, conversation_id, data.agent_id, redis=redis)
        return await conversation_page(request, conn, conversation_id, "_conversation.html", note="已转交")

    @post("/{conversation_id:int}/resolve", operation_id="consoleConversationResolve", summary="工作台：结束咨询",
          status_code=200)
    async def resolve(self, request: Request, conn: Conn, redis: Redis, conversation_id: FromPath[int],
                      data: Annotated[ResolveForm, Form]) -> Template:
        faq = {"question": data.question.strip(), "answer": data.answer.strip()} if data.make_faq else None
        await helpdesk.resolve(conn, request.user, conversation_id, console.convert({"faq": faq}, ResolveIn),
                               redis=redis)
        note = "已结束，问答已提交知识库，待管理员发布" if faq else "已结束"
        return await conversation_page(request, conn, conversation_id, "_conversation.html", note=note)


async def conversation_page(request: Request, conn: Conn, conversation_id: int, template: str,
                             note: str | None = None) -> Template:
    detail = await helpdesk.get_conversation(conn, conversation_id)
    # The FAQ's best answers to the user's latest question, one tap from the reply box.
    last_question = next((m.text for m in reversed(detail.messages) if m.sender == "user"), None)
    suggestions = list(detail.suggestions)
    if last_question and not suggestions:
        suggestions = (await helpdesk.canned(conn, index_for(request.app.state), last_question)).matches
    agents = await console.transfer_targets(conn, request.user)
    # the user's consultation record: what they asked before, to answer in context
    earlier = [h for h in await history.conversations(conn, detail.user_id, limit=10) if h.id != detail.id]
    # WeChat's 48-hour window (or its 5 replies) used up: the SMS reply form instead of the reply box
    now = clock.now(request.app.state)
    sms_only = detail.channel == "wechat" and (
        detail.replies_left == 0 or detail.reply_window_ends_at is None or detail.reply_window_ends_at <= now)
    return page(template, request, active="helpdesk", c=detail, suggestions=suggestions[:3], agents=agents,
                earlier=earlier, note=note, sms_only=sms_only)


@websocket("/helpdesk/live", guards=[requires_helpdesk], name="console_helpdesk_live")
async def helpdesk_live(socket: WebSocket) -> None:
    # The same Redis channel as /api/v1/helpdesk/live, authorised by the console session instead
    # of a bearer token (a browser cannot put headers on a WebSocket). Browsers send cookies with
    # cross-site WebSocket handshakes that CSRF tokens do not cover, so the Origin must be ours.
    origin = socket.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != socket.headers.get("host"):
        await socket.close(code=4403, reason="origin")
        return
    await live.serve(socket)
