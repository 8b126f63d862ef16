"""我的—咨询记录 (FAQ F141 "每一次咨询都会完整记录，您可以在“我的—咨询记录”中查看历史对话"):
every conversation of the user, in-app and WeChat, resolved ones included, paged."""

from __future__ import annotations

from typing import Any

from api.db import rows
from api.errors import NotFound
from api.helpdesk.schemas import ChatMessageOut, MyConversationDetail, MyConversationOut
from api.helpdesk.service.agents import cbq, q
from api.helpdesk.messages import message_out


class MyConversationNotFound(NotFound):
    """没有找到该咨询记录。"""

    code = "my_conversation_not_found"


def _mine(row: Any, cls: type = MyConversationOut, **more: Any) -> Any:
    return cls(id=row["id"], channel=row["channel"], status=row["status"], created_at=row["created_at"],
               resolved_at=row["resolved_at"], message_count=row["message_count"], first_text=row["first_text"],
               public_no=row["public_no"], **more)


async def messages(conn: Any, user_id: int, *, limit: int = 50, before: int | None = None) -> list[ChatMessageOut]:
    """The newest ``limit`` messages older than message ``before``, oldest first: page back with
    ``before`` = the first id of the previous page."""
    found = await rows(cbq.messages_of_user_before(conn, user_id=user_id, before=before, limit=limit))
    return [message_out(r) for r in reversed(found)]


async def conversations(conn: Any, user_id: int, *, limit: int = 20, offset: int = 0) -> list[MyConversationOut]:
    return [_mine(r) for r in await rows(cbq.user_conversations(conn, user_id=user_id, limit=limit, offset=offset))]


async def conversation(conn: Any, user_id: int, conversation_id: int) -> MyConversationDetail:
    """One of the user's own consultations with all its messages; anyone else's is not found."""
    row = await cbq.user_conversation(conn, id=conversation_id, user_id=user_id)
    if row is None:
        raise MyConversationNotFound()
    msgs = [message_out(m) for m in await rows(q.messages_of(conn, conversation_id=conversation_id))]
    return _mine(row, MyConversationDetail, messages=msgs)
