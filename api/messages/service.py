"""The HTTP face of notify: the in-app inbox and read marks, WeChat subscribe authorisations, the SMS
channel's state and resumption (admin), and the dev outbox."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import msgspec
import structlog

import notify
from api.db import load_queries
from api.errors import NotFound, Unprocessable
from api.messages.schemas import (
    Inbox,
    NotificationOut,
    Outbox,
    OutboxEntry,
    ReadResult,
    SmsChannelOut,
    SubscribeKitOut,
    SubscribeTemplateOut,
    SubscriptionOut,
    Subscriptions,
)
from api.types import mask_phone
from notify import outbox, pause
from notify import wechat_templates as tpl
from notify.templates import EVENTS

q = load_queries(__file__)
log = structlog.get_logger("zsb.notifications")


class NotificationNotFound(NotFound):
    """没有找到该消息。"""

    code = "notification_not_found"


class UnknownTemplate(Unprocessable):
    """订阅的消息模板不存在。"""

    code = "unknown_template"


async def inbox(conn: Any, user_id: int, *, before_id: int | None, limit: int) -> Inbox:
    rows = [r async for r in q.inbox(conn, user_id=user_id, before_id=before_id, max_rows=limit)]
    items = [NotificationOut(id=r["id"], event=r["event"], title=EVENTS[r["event"]].inapp_title if r["event"] in EVENTS
                             else r["event"], text=r["content"] or "", created_at=r["created_at"],
                             read=r["read_at"] is not None, **_progress_links(r)) for r in rows]
    return Inbox(items=items, unread=await q.unread_count(conn, user_id=user_id),
                 next_before_id=items[-1].id if len(items) == limit else None)


def _progress_links(row: Any) -> dict[str, str]:
    if row["subject_type"] != "application" or not row["public_no"]:
        return {}
    number = quote(row["public_no"], safe="")
    return {"progress_url": f"/api/v1/progress/{number}", "progress_qr_url": f"/api/v1/progress/{number}/qr.png"}


async def mark_read(conn: Any, user_id: int, notification_id: int) -> ReadResult:
    if await q.mark_read(conn, user_id=user_id, id=notification_id) is None:
        raise NotificationNotFound()
    return ReadResult(marked=1, unread=await q.unread_count(conn, user_id=user_id))


async def mark_all_read(conn: Any, user_id: int) -> ReadResult:
    marked = await q.mark_all_read(conn, user_id=user_id)
    return ReadResult(marked=marked, unread=0)


# WeChat shows at most 3 templates per wx.requestSubscribeMessage call; each moment asks for the
# messages that can follow it, the likeliest first.
MAX_PER_REQUEST = 3
SUBSCRIBE_SCENES: dict[str, tuple[str, ...]] = {
    "submit": (tpl.TPL_PROGRESS, tpl.TPL_GAP, tpl.TPL_RESULT),
    "supplement": (tpl.TPL_GAP, tpl.TPL_PROGRESS, tpl.TPL_RESULT),
    "booking": (tpl.TPL_APPOINTMENT, tpl.TPL_EXAM, tpl.TPL_RESULT),
    "exam": (tpl.TPL_EXAM, tpl.TPL_RESULT, tpl.TPL_APPOINTMENT),
    "licence": (tpl.TPL_PROGRESS, tpl.TPL_RESULT),
    "chat": (tpl.TPL_REPLY,),
    "complaint": (tpl.TPL_COMPLAINT,),
    "rating": (tpl.TPL_RATING,),
    "staff": (tpl.TPL_TASK,),
}


async def subscribe_kit(conn: Any, user_id: int, scene: str, settings: Any) -> SubscribeKitOut:
    """The registered template ids to request at this moment and what the user has left of each."""
    ids = tpl.registered_template_ids(settings.wechat_template_ids)
    ours = SUBSCRIBE_SCENES[scene][:MAX_PER_REQUEST]
    held = {r["template_id"]: r async for r in q.subscriptions(conn, user_id=user_id)}
    items = [SubscribeTemplateOut(template_id=ids[t], title=tpl.TEMPLATE_TITLES[t],
                                  remaining=held[t]["remaining"] if t in held else 0,
                                  rejected=t in held and held[t]["rejected_at"] is not None) for t in ours]
    return SubscribeKitOut(scene=scene, template_ids=[i.template_id for i in items], templates=items)


async def subscribe(conn: Any, user_id: int, *, accepted: list[str], rejected: list[str],
                    settings: Any) -> Subscriptions:
    """The authorisations the user just gave in the mini-program's subscribe popup, by the ids WeChat
    registered (the ones the subscribe kit hands out)."""
    ids = tpl.registered_template_ids(settings.wechat_template_ids)
    ours = {registered: t for t, registered in ids.items()}
    unknown = sorted(set(accepted + rejected) - ours.keys())
    if unknown:
        raise UnknownTemplate(templateIds=unknown)
    await notify.record_subscriptions(conn, user_id=user_id, accepted=[ours[i] for i in accepted],
                                      rejected=[ours[i] for i in rejected])
    rows = [r async for r in q.subscriptions(conn, user_id=user_id)]
    return Subscriptions(items=[SubscriptionOut(template_id=ids.get(r["template_id"], r["template_id"]),
                                                remaining=r["remaining"]) for r in rows])


async def sms_channel(conn: Any, redis: Any) -> SmsChannelOut:
    return SmsChannelOut(**msgspec.structs.asdict(await pause.sms_pause(conn, redis)))


async def resume_sms_channel(conn: Any, redis: Any, user: Any) -> SmsChannelOut:
    """An admin lifts the pause by hand once the account or configuration is put right."""
    before = await pause.sms_pause(conn, redis)
    released = await pause.resume_sms(conn, redis)
    log.warning("sms_channel_resumed_by_hand", by=user.id, provider_code=before.code, released=len(released))
    return SmsChannelOut(**msgspec.structs.asdict(await pause.sms_pause(conn, redis)), released=len(released))


async def recent_outbox(conn: Any, *, limit: int = 100) -> Outbox:
    rows = await outbox.recent_outbox(conn, max_rows=limit)
    return Outbox(items=[OutboxEntry(id=r.id, event=r.event, channel=r.channel, status=r.status,
                                     to=mask_phone(r.phone) if r.channel == "sms"
                                     else r.oa_openid if r.channel == "wechat_oa" else r.openid,
                                     content=r.content, error=r.error, attempts=r.attempts,
                                     created_at=r.created_at, sent_at=r.sent_at) for r in rows])
