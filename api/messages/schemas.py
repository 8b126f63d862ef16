"""A person's in-app messages and WeChat subscriptions, the SMS channel's state, the dev outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.types import Input, Schema

TemplateId = Annotated[str, Meta(min_length=1, max_length=128)]


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    text: str
    created_at: datetime
    read: bool
    # a notice about a case (the acceptance notice among them) carries its progress QR (F108): the
    # link a phone camera or WeChat opens, and the QR image to show
    progress_url: str | None = None
    progress_qr_url: str | None = None


class Inbox(Schema):
    items: list[NotificationOut]
    unread: int
    next_before_id: int | None = None


class ReadResult(Schema):
    marked: int
    unread: int


class SubscriptionsIn(Input):
    template_ids: Annotated[list[TemplateId], Meta(min_length=1, max_length=20)]
    rejected_ids: Annotated[list[TemplateId], Meta(max_length=20)] = []


class SubscriptionOut(Schema):
    template_id: str
    remaining: int


class Subscriptions(Schema):
    items: list[SubscriptionOut]


class OutboxEntry(Schema):
    id: int
    event: str
    channel: str
    status: str
    to: str | None
    content: str | None
    error: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None = None


class Outbox(Schema):
    items: list[OutboxEntry]


class SmsChannelOut(Schema):
    """The SMS channel: paused after an account or configuration error (余额不足, sign/template)."""

    paused: bool
    code: str | None = None  # the Aliyun code that paused it
    resumes_at: datetime | None = None  # when the pause ends by itself
    waiting: int = 0  # messages held back by the pause
    released: int | None = None  # on resume: messages sent on their way again


# When the mini-program asks for authorisations (wx.requestSubscribeMessage): the moment decides
# which messages may follow (api/messages/service.py SUBSCRIBE_SCENES).
SubscribeScene = Literal["submit", "supplement", "booking", "exam", "licence", "chat", "complaint", "rating",
                         "staff"]


class SubscribeTemplateOut(Schema):
    template_id: str  # the id to pass to wx.requestSubscribeMessage
    title: str
    remaining: int  # messages the user has already allowed and not yet received
    rejected: bool  # the user said no the last time they were asked


class SubscribeKitOut(Schema):
    """The template ids to request at this moment: never more than WeChat takes in one call (3)."""

    scene: SubscribeScene
    template_ids: list[str]
    templates: list[SubscribeTemplateOut]
