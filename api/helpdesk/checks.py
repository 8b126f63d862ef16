"""WeChat's content check (msgSecCheck 2.0) of what users write to the help desk (issue 25).

A user's text reaches an agent only once it passed: in the sandbox (dev, demo, most tests) the
sandbox's rule answers at once (wechat/gateway.py SANDBOX_RISKY); live, the text waits as
'pending' while the ``check_chat_message`` job asks WeChat, with the author's openid and the
comment scene, and no database connection is held across the call. A risky text, or one WeChat
sends for review, is held: kept for its author (who is told in the chat) and never shown to an
agent or anyone else. Machine and agent texts are not checked.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
import structlog

from api.content_checks import ask
from api.db import after_commit, load_queries
from api.errors import NotFound
from api.helpdesk.live import publish
from api.helpdesk.messages import message_out, queue
from api.helpdesk.schemas import ChatMessageOut, HeldMessageOut

q = load_queries(__file__)
log = structlog.get_logger("zsb.helpdesk")

HELD_NOTICE = ("您刚才发送的消息未通过微信内容安全检查，已暂存待人工复核，不会展示给其他人。"
               "请文明用语；如需帮助，可换一种说法重新描述您的问题。")


class HeldMessageNotFound(NotFound):
    """没有找到该暂存消息，或它已被放行。"""

    code = "held_message_not_found"


class Checked(msgspec.Struct, frozen=True):
    outcome: Literal["pass", "held", "skipped", "retry"]


async def tell_author(conn: Any, conv: Any, redis: Any) -> list[ChatMessageOut]:
    """The author hears that their text is held, in their own chat (on WeChat: one of the 5 replies)."""
    wechat = conv["channel"] == "wechat"
    if wechat and await q.use_reply_slot(conn, id=conv["id"]) is None:
        return []  # WeChat's window is used up: the author sees it in the mini-program's chat history
    notice = await q.add_message(conn, conversation_id=conv["id"], sender="bot", agent_id=None, text=HELD_NOTICE,
                                 faq_entry_id=None, delivery="pending" if wechat else "none")
    if wechat:
        after_commit(conn, lambda: queue("deliver_chat_message", notice["id"], f"chatmsg:{notice['id']}"))
    return [message_out(notice)]


async def check_message(pool: Any, wechat: Any, message_id: int, *, redis: Any) -> Checked:
    """The job's share: ask WeChat about one pending text, then show it to agents or hold it."""
    async def settled(conn: Any, state: str, row: Any, verdict: Any) -> None:
        if state == "held":
            await tell_author(conn, await q.get_conversation(conn, id=row["conversation_id"]), redis)
            log.warning("chat_message_held", message_id=message_id, suggest=verdict.suggest, label=verdict.label,
                        trace_id=verdict.trace_id)

    state, row = await ask(pool, wechat, lambda conn: q.message_to_check(conn, id=message_id),
                           lambda conn, state, result: q.set_content_check(conn, id=message_id, content_check=state,
                                                                           content_check_result=result),
                           settled)
    if state == "pass":
        kind = "waiting" if row["conversation_status"] == "waiting" else "message"
        await publish(redis, kind, conversation_id=row["conversation_id"], status=row["conversation_status"],
                      agent_id=row["agent_id"], text=row["text"][:200])
    return Checked(state)


async def held(conn: Any, *, limit: int = 100) -> list[HeldMessageOut]:
    """Texts the check held, newest first, for a lead or an admin to review."""
    return [HeldMessageOut(id=r["id"], conversation_id=r["conversation_id"], text=r["text"],
                           suggest=(r["content_check_result"] or {}).get("suggest"),
                           label=(r["content_check_result"] or {}).get("label"), created_at=r["created_at"])
            async for r in q.held_messages(conn, max_rows=limit)]


async def release(conn: Any, reviewer_id: int, message_id: int, *, redis: Any) -> ChatMessageOut:
    """A reviewer lets a held text through: agents see it from now on (the release is recorded)."""
    row = await q.release_held(conn, id=message_id, reviewer_id=reviewer_id)
    if row is None:
        raise HeldMessageNotFound()
    log.info("chat_message_released", message_id=message_id, reviewer_id=reviewer_id)
    kind = "waiting" if row["conversation_status"] == "waiting" else "message"
    after_commit(conn, lambda: publish(redis, kind, conversation_id=row["conversation_id"],
                                       status=row["conversation_status"], agent_id=row["agent_id"],
                                       text=row["text"][:200]))
    return message_out(await q.chat_message(conn, id=message_id))


async def due(conn: Any, *, now: Any) -> list[int]:
    return [r["id"] async for r in q.checks_due(conn, now=now)]
