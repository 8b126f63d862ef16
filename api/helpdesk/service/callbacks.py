"""F141 电话回访 and F098 asked through an agent.

"涉及具体办件的重要咨询，导航员会在问题处理后电话回访，确认是否已经解决。" An agent links the
conversation to one of its user's cases (by public number) and marks it important; resolving it
creates a callback (``service.resolve``). Agents take a callback, call, and record the outcome:
reached and solved closes it; reached and not solved reopens the conversation, held by the caller
or handed over to another agent; not reached is tried again, at most ``MAX_ATTEMPTS`` times. The
phone number is masked everywhere except for the agent holding an open callback, and every look at
it and every call is logged.

F098 "可在期限内通过客服申请延期一次": the agent holding a conversation about a case grants the
extension on the user's behalf through ``supplement.extend``, where "once, within the
deadline" is decided; the user is told in the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import structlog

import notify
from api.applications.service import supplement
from api.auth.schemas import AuthUser
from api.clock import local_day
from api.db import after_commit, rows
from api.errors import Conflict, NotFound
from api.helpdesk.live import publish
from api.helpdesk.schemas import (
    CallbackLogOut,
    CallbackOut,
    CallbackOutcomeIn,
    CaseLinkIn,
    ChatMessageOut,
    ConversationOut,
)
from api.helpdesk.service.agents import (ConversationResolved, NotYourConversation, cbq, conversation_out, conversation_row,
                                  q)
from api.helpdesk.messages import message_out, queue
from api.types import mask_name, mask_phone

log = structlog.get_logger("zsb.helpdesk")

MAX_ATTEMPTS = 3  # not reached three times: the callback ends as unreachable


class CaseNotFound(NotFound):
    """没有找到该办件，或该办件不属于本次咨询的用户。"""

    code = "helpdesk_case_not_found"


class CaseNotLinked(Conflict):
    """该咨询尚未关联具体办件，请先关联办件。"""

    code = "conversation_case_not_linked"


class CallbackNotFound(NotFound):
    """没有找到该回访任务。"""

    code = "callback_not_found"


class CallbackTaken(Conflict):
    """该回访已由其他导航员负责或已完成。"""

    code = "callback_taken"


class NotYourCallback(Conflict):
    """该回访不在您名下，请先领取。"""

    code = "callback_not_yours"


class CallbackClosed(Conflict):
    """该回访已完成，不能再记录结果。"""

    code = "callback_closed"


class ReopenRefused(Conflict):
    """无法重新打开咨询：该用户已有进行中的咨询，请在该咨询中继续处理。"""

    code = "callback_reopen_refused"


class HandoverRefused(Conflict):
    """无法转交：对方不是在岗导航员。"""

    code = "callback_handover_refused"


def _callback_out(row: Any, today: Any, *, reveal: bool = False, log_rows: list[Any] | None = None) -> CallbackOut:
    return CallbackOut(
        id=row["id"], conversation_id=row["conversation_id"], application_id=row["application_id"],
        public_no=row["public_no"], user_id=row["user_id"], user_name=mask_name(row["user_name"]),
        user_phone=row["user_phone"] if reveal else mask_phone(row["user_phone"]), status=row["status"],
        due_on=row["due_on"], overdue=row["status"] == "open" and row["due_on"] < today,
        agent_id=row["agent_id"], agent_name=row["agent_name"], attempts=row["attempts"],
        attempts_left=max(0, MAX_ATTEMPTS - row["attempts"]) if row["status"] == "open" else 0,
        last_attempt_at=row["last_attempt_at"], created_at=row["created_at"], closed_at=row["closed_at"],
        assist_request_id=row["assist_request_id"],
        log=[CallbackLogOut(id=r["id"], agent_id=r["agent_id"], agent_name=r["agent_name"], kind=r["kind"],
                            outcome=r["outcome"], follow_up=r["follow_up"], handed_to=r["handed_to"],
                            note=r["note"], created_at=r["created_at"]) for r in log_rows or []])


async def link_case(conn: Any, agent: AuthUser, conversation_id: int, data: CaseLinkIn) -> ConversationOut:
    """The case a conversation is about: one of the conversation's user's own (a stranger's case
    is "not found", as everywhere)."""
    row = await conversation_row(conn, conversation_id)
    case = await cbq.case_by_public_no(conn, public_no=data.public_no.strip().upper())
    if case is None or case["applicant_id"] != row["user_id"]:
        raise CaseNotFound(publicNo=data.public_no)
    if await cbq.link_case(conn, id=conversation_id, application_id=case["id"], important=data.important,
                           agent_id=agent.id, is_admin=agent.has("admin")) is None:
        raise ConversationResolved() if row["status"] == "resolved" else NotYourConversation()
    return conversation_out(await conversation_row(conn, conversation_id))


async def list_callbacks(conn: Any, agent: AuthUser, *, status: Literal["due", "overdue", "mine", "closed", "all"],
                         now: datetime, limit: int = 50, offset: int = 0) -> list[CallbackOut]:
    """Lists mask the phone for everyone, the holder included: it is shown in the detail only."""
    today = local_day(now)
    found = await rows(cbq.list_callbacks(conn, status=status, agent_id=agent.id, today=today,
                                          limit=limit, offset=offset))
    return [_callback_out(r, today) for r in found]


async def _callback(conn: Any, callback_id: int) -> Any:
    row = await cbq.get_callback(conn, id=callback_id)
    if row is None:
        raise CallbackNotFound()
    return row


async def _detail(conn: Any, agent: AuthUser, callback_id: int, now: datetime, *, may_reveal: bool = True) -> CallbackOut:
    """The full number only for the holder of an open callback, and that look is logged."""
    row = await _callback(conn, callback_id)
    reveal = may_reveal and row["status"] == "open" and row["agent_id"] == agent.id and row["user_phone"] is not None
    if reveal:
        await cbq.log_callback(conn, callback_id=callback_id, agent_id=agent.id, kind="phone_shown",
                               outcome=None, follow_up=None, handed_to=None, note=None)
    log_rows = await rows(cbq.callback_log(conn, callback_id=callback_id))
    return _callback_out(row, local_day(now), reveal=reveal, log_rows=log_rows)


async def get_callback(conn: Any, agent: AuthUser, callback_id: int, *, now: datetime) -> CallbackOut:
    return await _detail(conn, agent, callback_id, now)


async def claim_callback(conn: Any, agent: AuthUser, callback_id: int, *, now: datetime) -> CallbackOut:
    if await cbq.claim_callback(conn, id=callback_id, agent_id=agent.id) is None:
        await _callback(conn, callback_id)  # 404 first
        raise CallbackTaken()
    await cbq.log_callback(conn, callback_id=callback_id, agent_id=agent.id, kind="claimed",
                           outcome=None, follow_up=None, handed_to=None, note=None)
    return await _detail(conn, agent, callback_id, now)


async def record_outcome(conn: Any, agent: AuthUser, callback_id: int, data: CallbackOutcomeIn, *,
                         now: datetime, redis: Any) -> CallbackOut:
    row = await _callback(conn, callback_id)
    if row["status"] != "open":
        raise CallbackClosed(status=row["status"])
    if row["agent_id"] != agent.id:
        raise NotYourCallback()
    if data.outcome == "solved":
        status = "solved"
    elif data.outcome == "not_solved":
        status = "not_solved"
    else:
        status = "unreachable" if row["attempts"] + 1 >= MAX_ATTEMPTS else "open"
    if await cbq.record_attempt(conn, id=callback_id, agent_id=agent.id, status=status,
                                max_attempts=MAX_ATTEMPTS, at=now) is None:
        raise CallbackClosed(status=row["status"])  # another request of the holder finished it first
    await cbq.log_callback(conn, callback_id=callback_id, agent_id=agent.id, kind="called", outcome=data.outcome,
                           follow_up=data.follow_up, handed_to=data.handover_to, note=data.note)
    if data.outcome == "not_solved" and row["conversation_id"] is not None:  # F139 requests have none
        holder = agent.id if data.follow_up == "reopen" else data.handover_to
        if await cbq.reopen(conn, id=row["conversation_id"], agent_id=holder) is None:
            if not await cbq.is_agent(conn, id=holder):
                raise HandoverRefused(agentId=holder)
            raise ReopenRefused(openConversationId=await cbq.open_conversation_of(conn, user_id=row["user_id"]))
        conversation_id = row["conversation_id"]
        after_commit(conn, lambda: publish(redis, "reopened", conversation_id=conversation_id, agent_id=holder))
    log.info("helpdesk_callback_called", callback_id=callback_id, agent_id=agent.id, outcome=data.outcome,
             status=status)
    # masked: the holder has the number from the detail, and this answer is kept for Idempotency-Key replays
    return await _detail(conn, agent, callback_id, now, may_reveal=False)


async def grant_extension(conn: Any, agent: AuthUser, conversation_id: int, reason: str, *, now: datetime,
                          redis: Any) -> ChatMessageOut:
    """F098 on the user's behalf; returns the message that tells the user."""
    row = await conversation_row(conn, conversation_id)
    if row["status"] == "resolved":
        raise ConversationResolved()
    if row["status"] != "claimed" or row["agent_id"] != agent.id:
        raise NotYourConversation()
    if row["application_id"] is None:
        raise CaseNotLinked()
    # The applicant asks, through the agent: extend() checks it is their case, pending, in time, once.
    applicant = AuthUser(id=row["user_id"], roles=("applicant",))
    await supplement.extend(conn, applicant, row["application_id"], f"{reason.strip()}（通过在线客服申请）",
                                    now=now, agent_id=agent.id)
    granted = await cbq.extension_of_gap_notice(conn, application_id=row["application_id"])
    await cbq.record_extension_request(conn, extension_id=granted["id"], conversation_id=conversation_id,
                                       agent_id=agent.id, reason=reason.strip())
    text = (f"已为您的办件（{row['public_no']}）办理补正期限延期（仅可延期一次），补正期限由"
            f"{granted['previous_due_on']:%Y年%m月%d日}延至{granted['new_due_on']:%Y年%m月%d日}，"
            f"请在新期限内补齐材料。")
    wechat = row["channel"] == "wechat"
    # On WeChat the message uses one of the window's replies; with none left it stays in the
    # consultation record and the user is told by notification instead (the grant must not fail).
    slot = await q.use_reply_slot(conn, id=conversation_id)
    msg = await q.add_message(conn, conversation_id=conversation_id, sender="agent", agent_id=agent.id, text=text,
                              faq_entry_id=None, delivery="pending" if wechat and slot else "none")
    if wechat and slot:
        after_commit(conn, lambda: queue("deliver_chat_message", msg["id"], f"chatmsg:{msg['id']}"))
    elif wechat:
        await notify.enqueue(conn, user_id=row["user_id"], event="helpdesk_reply", params={"text": text},
                             dedupe_key=f"helpdesk_extension:{granted['id']}")
    after_commit(conn, lambda: publish(redis, "message", conversation_id=conversation_id, sender="agent"))
    return message_out(msg)


async def escalate_overdue_callbacks(conn: Any, *, now: datetime) -> list[int]:
    """Callbacks still open after their due date: the agent holding one (if any) and every lead
    are told once (F141's promise is a call after the matter is handled, not whenever)."""
    overdue = await rows(cbq.escalate_overdue(conn, today=local_day(now), at=now))
    if not overdue:
        return []
    leads = [r["id"] for r in await rows(cbq.leads(conn))]
    for row in overdue:
        for staff_id in dict.fromkeys(([row["agent_id"]] if row["agent_id"] else []) + leads):
            await notify.enqueue(conn, user_id=staff_id, event="callback_overdue",
                                 params={"publicNo": row["public_no"], "dueDate": row["due_on"].isoformat()},
                                 dedupe_key=f"callback_overdue:{row['id']}:{staff_id}",
                                 subject=("helpdesk_callback", row["id"]))
    log.warning("helpdesk_callbacks_overdue", ids=[r["id"] for r in overdue], told=len(leads))
    return [r["id"] for r in overdue]
