"""F140 follow-up: when WeChat's 48-hour window has closed (or its 5 replies are used), the agent
can still answer by SMS — to the phone on the user's account, at most three a consultation a
day, each kept in the consultation record and logged. It leaves through the notification outbox
(retries, quiet hours, the sandbox outbox in dev)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

import notify
from api.auth.schemas import AuthUser
from api.db import after_commit, load_queries
from api.errors import Conflict, TooManyRequests
from api.helpdesk.live import publish
from api.helpdesk.schemas import ChatMessageOut
from api.helpdesk.service.agents import (REPLIES_PER_WINDOW, REPLY_WINDOW, ConversationResolved, NotYourConversation,
                                  conversation_row)
from api.helpdesk.messages import message_out
from api.types import mask_phone

q = load_queries(Path(__file__).parents[1])
log = structlog.get_logger("zsb.helpdesk")
SMS_REPLIES_PER_DAY = 3


class SmsReplyNotNeeded(Conflict):
    """微信回复窗口仍开放，请直接在会话中回复。"""

    code = "sms_reply_not_needed"


class SmsReplyNoPhone(Conflict):
    """该用户账号未绑定手机号，无法发送短信回复。"""

    code = "sms_reply_no_phone"


class SmsReplyLimit(TooManyRequests):
    """该咨询24小时内的短信回复已达上限（3条）。"""

    code = "sms_reply_limit"


async def sms_reply(conn: Any, agent: AuthUser, conversation_id: int, text: str, *, redis: Any,
                    now: datetime) -> ChatMessageOut:
    row = await conversation_row(conn, conversation_id)
    if row["status"] == "resolved":
        raise ConversationResolved()
    if row["status"] != "claimed" or row["agent_id"] != agent.id:
        raise NotYourConversation()
    window_open = row["channel"] == "app" or (
        row["last_user_message_at"] + REPLY_WINDOW > now and row["replies_since_user"] < REPLIES_PER_WINDOW)
    if window_open:
        raise SmsReplyNotNeeded()
    if not row["user_phone"]:
        raise SmsReplyNoPhone()
    msg = await q.add_sms_reply(conn, conversation_id=conversation_id, agent_id=agent.id, text=text,
                                per_day=SMS_REPLIES_PER_DAY)
    if msg is None:
        raise SmsReplyLimit(limit=SMS_REPLIES_PER_DAY)
    await notify.enqueue(conn, user_id=row["user_id"], event="helpdesk_sms_reply", params={"text": text},
                         dedupe_key=f"helpdesk_sms_reply:{msg['id']}", subject=("conversation", conversation_id))
    log.info("helpdesk_sms_reply", conversation_id=conversation_id, agent_id=agent.id, message_id=msg["id"],
             phone=mask_phone(row["user_phone"]))
    after_commit(conn, lambda: publish(redis, "message", conversation_id=conversation_id, sender="agent"))
    return message_out(msg)
