"""Images and voices users send the help desk through WeChat (issue 25).

The push carries only a MediaId; WeChat keeps the file 3 days. The ``fetch_chat_media`` job
downloads it through the media API (no database connection held across the call), stores it
like an upload (api/storage.py) and tells the agents' live view; agents open it through
``GET /helpdesk/messages/{id}/media``. A media id WeChat no longer has is marked failed.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
import structlog

from api.db import load_queries, transaction
from api.errors import NotFound
from api.helpdesk.live import publish
from api.storage import storage_for
from wechat.errors import WechatMediaGone, WechatUnavailable

q = load_queries(__file__)
log = structlog.get_logger("zsb.helpdesk")

# What a file's first bytes say it is; WeChat's Content-Type is not trusted for what we serve.
MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"GIF8": "image/gif",
         b"#!AMR": "audio/amr", b"ID3": "audio/mpeg", b"#!SILK": "audio/silk"}


class ChatMediaNotFound(NotFound):
    """没有找到该图片或语音。"""

    code = "chat_media_not_found"


class Fetched(msgspec.Struct, frozen=True):
    outcome: Literal["stored", "failed", "skipped", "retry"]


def _sniff(content: bytes) -> str:
    return next((t for magic, t in MAGIC.items() if content.startswith(magic)), "application/octet-stream")


async def fetch(pool: Any, wechat: Any, settings: Any, message_id: int, *, redis: Any) -> Fetched:
    async with transaction(pool) as conn:
        row = await q.media_to_fetch(conn, id=message_id)
    if row is None:
        return Fetched("skipped")
    key, content_type = None, None
    try:
        content, _ = await wechat.download_media(row["media_id"])
    except WechatUnavailable:
        return Fetched("retry")
    except WechatMediaGone:
        status = "failed"
    else:
        key, content_type = f"chat/{row['conversation_id']}/{message_id}", _sniff(content)
        writer = storage_for(settings).writer()
        try:
            await writer.write(content)
            await writer.commit(key)
        except BaseException:
            await writer.abort()
            raise
        status = "stored"
    async with transaction(pool) as conn:
        if await q.set_media(conn, id=message_id, media_status=status, media_key=key,
                             media_content_type=content_type) is None:
            return Fetched("skipped")
    if status == "failed":
        log.warning("chat_media_gone", message_id=message_id, kind=row["media_kind"])
    await publish(redis, "media", conversation_id=row["conversation_id"], message_id=message_id, status=status)
    return Fetched(status)


async def stored(conn: Any, message_id: int) -> tuple[str, str]:
    """The storage key and content type of a message's stored media, for an agent."""
    row = await q.stored_media(conn, id=message_id)
    if row is None:
        raise ChatMediaNotFound()
    return row["media_key"], row["media_content_type"]


async def due(conn: Any, *, now: Any) -> list[int]:
    return [r["id"] async for r in q.media_due(conn, now=now)]
