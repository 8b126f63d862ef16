"""More help-desk pages: phone callbacks after an important consultation (F141: due, claim, the
outcome of each call), canned replies from the knowledge base, and linking a conversation to the
user's case. The same ``api.helpdesk`` functions, guard and clock as ``/api/v1/helpdesk``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.auth.guards import requires_helpdesk
from api.clock import local_now
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.console.routes_helpdesk import conversation_page
from api.deps import Conn, Redis
from api.faq.index import index_for
from api.helpdesk import service as helpdesk
from api.helpdesk.service import callbacks
from api.helpdesk.schemas import CallbackOutcomeIn, CaseLinkIn

CallbackStatus = Literal["due", "overdue", "mine", "closed", "all"]
STATUS_LABELS = {"due": "待回访", "overdue": "已逾期", "mine": "我领取的", "closed": "已完成", "all": "全部"}
OUTCOME_LABELS = {"solved": "已解决", "not_solved": "未解决", "not_reached": "未接通", "unreachable": "多次未接通",
                  "open": "待回访"}


def _now(state: State) -> Any:
    # the API's clock in Beijing time, as api/helpdesk/routes.py judges the hours by
    return local_now(state)


NOW = {"now": Provide(_now, sync_to_thread=False)}
Now = NamedDependency[Any]
LABELS = {"labels": STATUS_LABELS, "outcomes": OUTCOME_LABELS}


class CallbackPages(Controller):
    path = "/helpdesk/callbacks"
    include_in_schema = False
    guards = [requires_helpdesk]
    dependencies = NOW

    @get("/", operation_id="consoleCallbacks", summary="工作台：电话回访任务")
    async def index(self, request: Request, conn: Conn, now: Now,
                    status: Annotated[CallbackStatus, QueryParameter(name="status")] = "due") -> Template:
        items = await callbacks.list_callbacks(conn, request.user, status=status, now=now, limit=100)
        return page("callbacks.html", request, active="callbacks", items=items, status=status, **LABELS)

    @get("/{callback_id:int}", operation_id="consoleCallback", summary="工作台：电话回访详情")
    async def detail(self, request: Request, conn: Conn, now: Now, callback_id: FromPath[int]) -> Template:
        cb = await callbacks.get_callback(conn, request.user, callback_id, now=now)
        return page("callback.html", request, active="callbacks", cb=cb,
                    agents=await console.transfer_targets(conn, request.user), **LABELS)

    @post("/{callback_id:int}/claim", operation_id="consoleCallbackClaim", summary="工作台：领取电话回访",
          status_code=200)
    async def claim(self, request: Request, conn: Conn, now: Now, callback_id: FromPath[int]) -> Template:
        cb = await callbacks.claim_callback(conn, request.user, callback_id, now=now)
        return page("_callback.html", request, cb=cb, agents=await console.transfer_targets(conn, request.user),
                    note="已领取，请拨打电话回访", **LABELS)

    @post("/{callback_id:int}/outcome", operation_id="consoleCallbackOutcome", summary="工作台：记录回访结果",
          status_code=200)
    async def outcome(self, request: Request, conn: Conn, redis: Redis, now: Now,
                      callback_id: FromPath[int]) -> Template:
        form = await request.form()
        values = forms.given(form, "outcome", "follow_up", "handover_to", "note",
                             rename={"follow_up": "followUp", "handover_to": "handoverTo"})
        if values.get("followUp") != "handover":
            values.pop("handoverTo", None)  # the picker is on the form whatever was chosen
        if values.get("outcome") != "not_solved":
            values.pop("followUp", None)
        data = console.convert(values, CallbackOutcomeIn)
        cb = await callbacks.record_outcome(conn, request.user, callback_id, data, now=now, redis=redis)
        return page("_callback.html", request, cb=cb, agents=await console.transfer_targets(conn, request.user),
                    note=f"已记录：{OUTCOME_LABELS[data.outcome]}", **LABELS)


class ConversationTools(Controller):
    path = "/helpdesk"
    include_in_schema = False
    guards = [requires_helpdesk]

    @get("/canned", operation_id="consoleCanned", summary="工作台：查找常用答复")
    async def canned(self, request: Request, conn: Conn,
                     q: Annotated[str, QueryParameter(name="q", min_length=1, max_length=200)]) -> Template:
        found = await helpdesk.canned(conn, index_for(request.app.state), q)
        return page("_canned.html", request, matches=found.matches[:5])

    @post("/{conversation_id:int}/case", operation_id="consoleConversationLinkCase",
          summary="工作台：关联咨询涉及的办件", status_code=200)
    async def link_case(self, request: Request, conn: Conn, conversation_id: FromPath[int]) -> Template:
        form = await request.form()
        data = console.convert({**forms.given(form, "public_no", rename={"public_no": "publicNo"}),
                                "important": form.get("important") == "on"}, CaseLinkIn)
        await callbacks.link_case(conn, request.user, conversation_id, data)
        return await conversation_page(request, conn, conversation_id, "_conversation.html", note="已关联办件")
