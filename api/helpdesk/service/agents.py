"""Agents (导航员): the queue, claiming, replying within WeChat's rules, transfer, resolve."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import notify
from api.auth.schemas import AuthUser
from api.clock import local_day, system_now
from api.catalogue.service import load_workday_overrides
from api.db import after_commit, load_queries
from api.errors import Conflict, NotFound
from api.faq import service as faq
from api.faq.index import FaqIndex
from api.faq.schemas import AskOut, EntryIn, MatchOut
from api.helpdesk.live import publish
from api.helpdesk.messages import message_out, queue
from api.helpdesk.schemas import ChatMessageOut, ConversationDetail, ConversationOut, ResolveIn
from api.types import mask_name, mask_phone
from api.workdays import add_workdays
from wechat.errors import WechatReplyWindowClosed

q = load_queries(Path(__file__).parents[1])
cbq = load_queries(Path(__file__).parents[1], "callbacks.sql")

REPLY_WINDOW = timedelta(hours=48)
REPLIES_PER_WINDOW = 5
# F141: an important consultation about a case is called back within this many working days of
# being resolved (the number the help desk's service standard states).
CALLBACK_WORKDAYS = 2


class ConversationNotFound(NotFound):
    """没有找到该咨询会话。"""

    code = "conversation_not_found"


class ConversationTaken(Conflict):
    """该咨询已被其他导航员接待或已结束。"""

    code = "conversation_taken"


class NotYourConversation(Conflict):
    """该咨询不在您的接待中，请先接待。"""

    code = "conversation_not_yours"


class TransferRefused(Conflict):
    """无法转交：会话不在您名下，或对方不是在岗导航员。"""

    code = "conversation_transfer_refused"


class ConversationResolved(Conflict):
    """该咨询已结束。"""

    code = "conversation_resolved"


def conversation_out(row: Any, cls: type = ConversationOut, **more: Any) -> Any:
    wechat = row["channel"] == "wechat"
    ends = row["last_user_message_at"] + REPLY_WINDOW if wechat else None
    return cls(
        id=row["id"], user_id=row["user_id"], user_name=mask_name(row.get("user_name")),
        user_phone=mask_phone(row.get("user_phone")), channel=row["channel"], status=row["status"],
        agent_id=row["agent_id"], agent_name=row.get("agent_name"),
        suggestions=[MatchOut(**s) for s in row["suggestions"] or []], last_text=row.get("last_text"),
        last_user_message_at=row["last_user_message_at"],
        replies_left=max(0, REPLIES_PER_WINDOW - row["replies_since_user"]) if wechat else None,
        reply_window_ends_at=ends, faq_entry_id=row["faq_entry_id"], created_at=row["created_at"],
        resolved_at=row["resolved_at"], application_id=row.get("application_id"), public_no=row.get("public_no"),
        important=bool(row.get("important")), **more)


async def conversation_row(conn: Any, conversation_id: int) -> Any:
    row = await q.get_conversation(conn, id=conversation_id)
    if row is None:
        raise ConversationNotFound()
    return dict(row)


async def list_conversations(conn: Any, agent: AuthUser, *, status: Literal["waiting", "mine", "resolved", "all"],
                             text: str | None = None, limit: int = 50, offset: int = 0) -> list[ConversationOut]:
    rows = [dict(r) async for r in q.list_conversations(conn, status=status, agent_id=agent.id, q=text or None,
                                                        limit=limit, offset=offset)]
    return [conversation_out(r) for r in rows]


async def get_conversation(conn: Any, conversation_id: int) -> ConversationDetail:
    row = await conversation_row(conn, conversation_id)
    messages = [message_out(m) async for m in q.messages_for_staff(conn, conversation_id=conversation_id)]
    return conversation_out(row, ConversationDetail, messages=messages)


async def claim(conn: Any, agent: AuthUser, conversation_id: int, *, redis: Any) -> ConversationOut:
    if await q.claim(conn, id=conversation_id, agent_id=agent.id) is None:
        await conversation_row(conn, conversation_id)  # 404 when it does not exist at all
        raise ConversationTaken()
    after_commit(conn, lambda: publish(redis, "claimed", conversation_id=conversation_id, agent_id=agent.id))
    return conversation_out(await conversation_row(conn, conversation_id))


async def reply(conn: Any, agent: AuthUser, conversation_id: int, text: str, *, redis: Any) -> ChatMessageOut:
    """A person's answer. On WeChat it uses one of the 5 replies allowed within 48 hours of the
    user's last message; past that, 409 and a suggestion to send an SMS instead."""
    row = await conversation_row(conn, conversation_id)
    if row["status"] == "resolved":
        raise ConversationResolved()
    if row["status"] != "claimed" or row["agent_id"] != agent.id:
        raise NotYourConversation()
    if await q.use_reply_slot(conn, id=conversation_id) is None:
        ends = row["last_user_message_at"] + REPLY_WINDOW
        raise WechatReplyWindowClosed(suggestion="sms", replyWindowEndsAt=ends.isoformat(),
                                      repliesUsed=row["replies_since_user"])
    wechat = row["channel"] == "wechat"
    msg = await q.add_message(conn, conversation_id=conversation_id, sender="agent", agent_id=agent.id,
                              text=text, faq_entry_id=None, delivery="pending" if wechat else "none")
    if wechat:
        after_commit(conn, lambda: queue("deliver_chat_message", msg["id"], f"chatmsg:{msg['id']}"))
    else:
        # In the app the user may have closed the chat: the reply reaches them as a notification too
        # (the inbox, and a subscribe message when they allowed one).
        await notify.enqueue(conn, user_id=row["user_id"], event="helpdesk_reply", params={"text": text},
                             dedupe_key=f"helpdesk_reply:{msg['id']}", subject=("conversation", conversation_id))
    after_commit(conn, lambda: publish(redis, "message", conversation_id=conversation_id, sender="agent"))
    return message_out(msg)


async def transfer(conn: Any, agent: AuthUser, conversation_id: int, to_agent_id: int, *, redis: Any) -> ConversationOut:
    if await q.transfer(conn, id=conversation_id, from_agent_id=agent.id, to_agent_id=to_agent_id) is None:
        await conversation_row(conn, conversation_id)
        raise TransferRefused()
    after_commit(conn, lambda: publish(redis, "transferred", conversation_id=conversation_id, agent_id=to_agent_id))
    return conversation_out(await conversation_row(conn, conversation_id))


async def resolve(conn: Any, agent: AuthUser, conversation_id: int, data: ResolveIn, *, redis: Any,
                  now: datetime | None = None) -> ConversationOut:
    """Done; with ``data.faq`` the question becomes a draft knowledge-base entry, with ``data.similar``
    a proposed similar question of an entry, in the same transaction (an admin publishes either).
    An important conversation about a case gets its callback (F141) in the same transaction."""
    done = await q.resolve(conn, id=conversation_id, agent_id=agent.id, is_admin=agent.has("admin"))
    if done is None:
        row = await conversation_row(conn, conversation_id)
        raise ConversationResolved() if row["status"] == "resolved" else NotYourConversation()
    if done["important"] and done["application_id"] is not None:
        await load_workday_overrides(conn)
        today = local_day(now or system_now())
        await cbq.create_callback(conn, conversation_id=conversation_id, user_id=done["user_id"],
                                  application_id=done["application_id"],
                                  due_on=add_workdays(today, CALLBACK_WORKDAYS))
    if data.faq is not None:
        entry = await faq.create_entry(conn, EntryIn(question=data.faq.question, answer=data.faq.answer,
                                                     alternates=list(data.faq.alternates), tags=list(data.faq.tags)),
                                       source="helpdesk")
        await q.link_faq(conn, id=conversation_id, faq_entry_id=entry.id)
    if data.similar is not None:
        await faq.propose_alternate(conn, data.similar.entry_id, data.similar.question)
    after_commit(conn, lambda: publish(redis, "resolved", conversation_id=conversation_id))
    return conversation_out(await conversation_row(conn, conversation_id))


async def canned(conn: Any, index: FaqIndex, text: str) -> AskOut:
    """FAQ answers an agent can paste: the matcher's top entries for what they type."""
    return await faq.match(conn, index, text)
