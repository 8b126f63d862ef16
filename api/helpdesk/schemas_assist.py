"""F139 帮办代办 and 服务管家 at the edge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import Meta

from api.types import Input, Schema


class AssistRequestIn(Input):
    """The service the applicant needs help with and what they need, in their words."""

    service_code: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
    need: Annotated[str, Meta(min_length=1, max_length=500, pattern=r"\S")]


class AssistRequestOut(Schema):
    id: int
    service_code: str
    need: str
    callback_status: str  # open | solved | not_solved | unreachable (the navigator's call, F141's machinery)
    callback_due_on: date  # the navigator calls within 1 working day
    navigator_name: str | None
    created_at: datetime
    closed_at: datetime | None


class StewardOut(Schema):
    """服务管家: the navigator in charge of a new company's approvals (never their personal phone)."""

    navigator_id: int
    navigator_name: str
    starts_on: date
    ends_on: date  # exclusive: 180 days after the company's first case
    active: bool


class CaseStewardOut(Schema):
    application_id: int
    steward: StewardOut | None  # None: the case's subject has no 服务管家 today
