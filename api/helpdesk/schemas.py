"""Chat and help-desk bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

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
    # the author's own view only (agents never get such a text): WeChat's content check holds it
    held: bool = False
    via: str | None = None  # "sms": an agent's answer sent by SMS after WeChat's window closed
    # an image or voice the user sent through WeChat: fetched by a job, then opened at media_url (agents)
    media_kind: str | None = None  # image | voice
    media_status: str | None = None  # pending | stored | failed (WeChat no longer had it)
    media_url: str | None = None


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
    application_id: int | None = None  # the case the consultation is about (F141)
    public_no: str | None = None
    important: bool = False  # resolving it creates a callback (电话回访)


class ConversationDetail(ConversationOut):
    messages: list[ChatMessageOut] = []


class ReplyIn(Input):
    text: ChatText


class HeldMessageOut(Schema):
    """A user's text WeChat's content check held (risky, or for review): for leads and admins only."""

    id: int
    conversation_id: int
    text: str
    suggest: str | None  # risky | review
    label: int | None  # WeChat's label (20001 时政, 20002 色情, 20006 违法犯罪, ...)
    created_at: datetime


class SmsReplyIn(Input):
    # one SMS (70 characters) with the signature; longer answers belong in a call-back
    text: Annotated[str, Meta(min_length=1, max_length=60)]


class TransferIn(Input):
    agent_id: int


class NewFaqIn(Input):
    question: Annotated[str, Meta(min_length=2, max_length=200)]
    answer: Annotated[str, Meta(min_length=2, max_length=4000)]
    alternates: Annotated[list[Annotated[str, Meta(min_length=2, max_length=200)]], Meta(max_length=20)] = []
    tags: Annotated[list[Annotated[str, Meta(min_length=1, max_length=30)]], Meta(max_length=10)] = []


class SimilarIn(Input):
    """The user's question, to be attached to an existing entry as one more way of asking it."""

    entry_id: Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9-]{1,31}$")]
    question: Annotated[str, Meta(min_length=2, max_length=200)]


class ResolveIn(Input):
    """Resolve; with ``faq`` the question and its answer become a draft FAQ entry in the same step,
    with ``similar`` the question is proposed as a similar question of an existing entry. Either
    waits for an admin to publish it: the bot never answers from an agent's unreviewed text."""

    faq: NewFaqIn | None = None
    similar: SimilarIn | None = None


PublicNo = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Note = Annotated[str, Meta(max_length=500)]


class CaseLinkIn(Input):
    """The case a conversation is about, by its public number; ``important``: call back after (F141)."""

    public_no: PublicNo
    important: bool = True


class MyConversationOut(Schema):
    """One consultation in 我的—咨询记录."""

    id: int
    channel: str
    status: str
    created_at: datetime
    resolved_at: datetime | None
    message_count: int
    first_text: str | None
    public_no: str | None


class MyConversationDetail(MyConversationOut):
    messages: list[ChatMessageOut] = []


class CallbackLogOut(Schema):
    id: int
    agent_id: int
    agent_name: str | None
    kind: str  # claimed | phone_shown | called
    outcome: str | None
    follow_up: str | None
    handed_to: int | None
    note: str | None
    created_at: datetime


class CallbackOut(Schema):
    id: int
    conversation_id: int | None  # None for a 帮办代办 request's callback (F139: assistRequestId)
    application_id: int | None
    public_no: str | None
    user_id: int
    user_name: str | None  # masked
    user_phone: str | None  # masked, except for the agent holding the callback, in the detail
    status: str  # open | solved | not_solved | unreachable
    due_on: date
    overdue: bool
    agent_id: int | None
    agent_name: str | None
    attempts: int
    attempts_left: int
    last_attempt_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    log: list[CallbackLogOut] = []
    assist_request_id: int | None = None


class CallbackOutcomeIn(Input):
    """One call: reached and solved; reached, not solved (reopen, or hand over to ``handoverTo``); not reached."""

    outcome: Literal["solved", "not_solved", "not_reached"]
    follow_up: Literal["reopen", "handover"] | None = None
    handover_to: int | None = None
    note: Note | None = None

    def __post_init__(self) -> None:
        if self.outcome == "not_solved" and self.follow_up is None:
            raise ValueError("followUp (reopen | handover) is required when the problem is not solved")
        if self.outcome != "not_solved" and self.follow_up is not None:
            raise ValueError("followUp applies only when the problem is not solved")
        if (self.follow_up == "handover") != (self.handover_to is not None):
            raise ValueError("handoverTo is required for, and only for, followUp handover")


class AgentExtensionIn(Input):
    """FAQ F098 through the help desk: the special reason the user gave the agent."""

    reason: Annotated[str, Meta(min_length=1, max_length=400, pattern=r"\S")]
