"""FAQ request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from api.types import Input, Schema

Question = Annotated[str, Meta(min_length=2, max_length=200)]
Answer = Annotated[str, Meta(min_length=2, max_length=4000)]
Tag = Annotated[str, Meta(min_length=1, max_length=30)]
EntryId = Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9-]{1,31}$", description="问答编号，如 F001")]


class MatchOut(Schema):
    id: str
    question: str
    answer: str
    score: float


class AskOut(Schema):
    # Three outcomes: confident (the first match is the answer); neither flag (unsure: show the
    # matches as "您是不是想问"); handoff (a person answers; the matches are the editors' hints).
    matches: list[MatchOut]
    confident: bool
    handoff: bool


class EntryOut(Schema):
    id: str
    question: str
    alternates: list[str]
    answer: str
    tags: list[str]
    service_code: str | None = None
    status: str = "active"  # draft (an agent's proposal, never answered from) | active | retired
    source: str = "import"
    # similar questions agents proposed, waiting for an admin to publish them into ``alternates``
    proposed_alternates: list[str] = []
    helpful: int = 0
    unhelpful: int = 0
    updated_at: datetime | None = None


class EntryIn(Input):
    question: Question
    answer: Answer
    alternates: Annotated[list[Question], Meta(max_length=20)] = []
    tags: Annotated[list[Tag], Meta(max_length=10)] = []
    service_code: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$")] | None = None


class EntryPatch(Input):
    question: Question | None = None
    answer: Answer | None = None
    alternates: Annotated[list[Question], Meta(max_length=20)] | None = None
    tags: Annotated[list[Tag], Meta(max_length=10)] | None = None
    service_code: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$")] | None = None


class FeedbackIn(Input):
    helpful: bool


class FeedbackOut(Schema):
    id: str
    helpful: int
    unhelpful: int


class HandoffOut(Schema):
    id: int
    question: str
    suggestions: list[MatchOut]
    source: str
    conversation_id: int | None
    created_at: datetime
    reviewed_at: datetime | None = None
    # how often the question was asked (outside conversations) while the row was open, and when last
    times: int = 1
    last_asked_at: datetime | None = None
