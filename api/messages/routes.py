from __future__ import annotations

from html import escape
from typing import Annotated

from litestar import Controller, MediaType, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth.guards import requires_admin, requires_login
from api.deps import AppSettings, Conn, CurrentUser, Redis
from api.errors import NotFound
from api.messages import service
from api.messages.schemas import (
    Inbox, Outbox, ReadResult, SmsChannelOut, SubscribeKitOut, SubscribeScene, Subscriptions, SubscriptionsIn,
)


class NotificationsController(Controller):
    path = "/me"
    tags = ["notifications"]
    guards = [requires_login]

    @get("/notifications", operation_id="listNotifications", summary="我的消息")
    async def list_notifications(self, conn: Conn, user: CurrentUser,
                                 before_id: Annotated[int | None, QueryParameter(name="beforeId", gt=0)] = None,
                                 limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20) -> Inbox:
        return await service.inbox(conn, user.id, before_id=before_id, limit=limit)

    @post("/notifications/{notification_id:int}/read", operation_id="readNotification", summary="标记消息已读",
          status_code=200)
    async def read(self, conn: Conn, user: CurrentUser, notification_id: FromPath[int]) -> ReadResult:
        return await service.mark_read(conn, user.id, notification_id)

    @post("/notifications/read-all", operation_id="readAllNotifications", summary="全部标记已读", status_code=200)
    async def read_all(self, conn: Conn, user: CurrentUser) -> ReadResult:
        return await service.mark_all_read(conn, user.id)

    @post("/subscriptions", operation_id="addSubscriptions", summary="记录微信订阅消息授权", status_code=200)
    async def subscribe(self, data: JSONBody[SubscriptionsIn], conn: Conn, user: CurrentUser,
                        settings: AppSettings) -> Subscriptions:
        return await service.subscribe(conn, user.id, accepted=data.template_ids, rejected=data.rejected_ids,
                                       settings=settings)


class SubscribeKitController(Controller):
    path = "/wechat/subscribe-templates"
    tags = ["notifications"]
    guards = [requires_login]

    @get("/", operation_id="getSubscribeTemplates",
         summary="此刻应请求授权的订阅消息模板（≤3个，供 wx.requestSubscribeMessage）及剩余授权次数")
    async def kit(self, conn: Conn, user: CurrentUser, settings: AppSettings,
                  scene: Annotated[SubscribeScene, QueryParameter(description="请求授权的时机")]) -> SubscribeKitOut:
        return await service.subscribe_kit(conn, user.id, scene, settings)


class SmsChannelController(Controller):
    """The SMS channel pauses itself on an account or configuration error (no retry storm); an
    admin sees why and lifts it once the cause is put right, instead of waiting out the pause."""

    path = "/admin/notify/sms-channel"
    tags = ["notifications"]
    guards = [requires_admin]

    @get("/", operation_id="adminSmsChannel", summary="短信通道状态")
    async def state(self, conn: Conn, redis: Redis) -> SmsChannelOut:
        return await service.sms_channel(conn, redis)

    @post("/resume", operation_id="adminSmsChannelResume", summary="恢复短信通道", status_code=200)
    async def resume(self, conn: Conn, redis: Redis, user: CurrentUser) -> SmsChannelOut:
        return await service.resume_sms_channel(conn, redis, user)


class DevOutboxNotAvailable(NotFound):
    """开发发件箱仅在开发环境可用。"""

    code = "dev_outbox_not_available"


def _dev_only(settings: AppSettings) -> None:
    # It shows login codes: anyone who can open it can sign in as any phone. Only a developer's
    # own server (ZSB_ENV=dev) whose texts go nowhere else (the sandbox provider) shows it; any
    # other set-up (test, production, a dev server sending real texts) answers 404.
    if settings.env != "dev" or settings.sms_provider != "sandbox":
        raise DevOutboxNotAvailable()


@get("/dev/outbox.json", operation_id="devOutboxJson", summary="开发发件箱（JSON）", opt={"exclude_from_auth": True},
     include_in_schema=False)
async def dev_outbox_json(conn: Conn, settings: AppSettings) -> Outbox:
    _dev_only(settings)
    return await service.recent_outbox(conn)


@get("/dev/outbox", operation_id="devOutbox", summary="开发发件箱", opt={"exclude_from_auth": True},
     include_in_schema=False, media_type=MediaType.HTML)
async def dev_outbox_page(conn: Conn, settings: AppSettings) -> Response[str]:
    _dev_only(settings)
    outbox = await service.recent_outbox(conn)
    rows = "".join(
        f"<tr><td>{m.id}</td><td>{escape(m.created_at.strftime('%m-%d %H:%M:%S'))}</td><td>{escape(m.channel)}</td>"
        f"<td>{escape(m.to or '')}</td><td>{escape(m.event)}</td><td>{escape(m.status)}</td>"
        f"<td>{escape(m.content or '')}</td><td>{escape(m.error or '')}</td></tr>" for m in outbox.items)
    page = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>发件箱</title>"
            "<style>body{font-family:sans-serif}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}"
            "</style></head><body><h1>发件箱（沙箱，最近 100 条）</h1><table><tr><th>#</th><th>时间</th><th>渠道</th>"
            f"<th>接收方</th><th>事件</th><th>状态</th><th>内容</th><th>错误</th></tr>{rows}</table></body></html>")
    return Response(page, media_type="text/html; charset=utf-8")
