"""Chat and help-desk bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from api.faq.schemas import MatchOut
from api.types import Input, Schema

ChatText = Annotated[str, Meta(min_length=1, max_length=2000)]


class ChatIn(Input):
    text: ChatText


class ChatMessageOut(Schema):
    id: int
    conversation_id: int
    sender: str  # user | bot | agent
    text: str
    machine: bool  # True: the FAQ answered, not a person
    faq_entry_id: str | None
    delivery: str  # none (in-app) | pending | sent | failed (WeChat)
    created_at: datetime


class ConversationOut(Schema):
    id: int
    user_id: int
    user_name: str | None  # masked: agents see 张*, 138****0000
    user_phone: str | None
    channel: str
    status: str
    agent_id: int | None
    agent_name: str | None
    suggestions: list[MatchOut]
    last_user_message_at: datetime
    replies_left: int | None  # WeChat replies left in the 48-hour window; None for in-app
    reply_window_ends_at: datetime | None
    faq_entry_id: str | None
    created_at: datetime
    resolved_at: datetime | None
    last_text: str | None = None


class ConversationDetail(ConversationOut):
    messages: list[ChatMessageOut] = []


class ReplyIn(Input):
    text: ChatText


class TransferIn(Input):
    agent_id: int


class NewFaqIn(Input):
    question: Annotated[str, Meta(min_length=2, max_length=200)]
    answer: Annotated[str, Meta(min_length=2, max_length=4000)]
    alternates: Annotated[list[Annotated[str, Meta(min_length=2, max_length=200)]], Meta(max_length=20)] = []
    tags: Annotated[list[Annotated[str, Meta(min_length=1, max_length=30)]], Meta(max_length=10)] = []


class ResolveIn(Input):
    """Resolve; with ``faq`` the question and its answer become a new FAQ entry in the same step."""

    faq: NewFaqIn | None = None
