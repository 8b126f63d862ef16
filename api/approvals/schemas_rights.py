"""What an approver sends to pause a case's clock from its task (issue 23)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.types import Input, Schema


class PauseIn(Input):
    """现场核查 (inspection) or 技术评估/加固改造 (assessment), and why (shown on the timeline)."""

    kind: Literal["inspection", "assessment"]
    reason: Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]


class UrgeAnswerIn(Input):
    """The bureau's answer to a 催办 (F109), shown to the applicant."""

    text: Annotated[str, Meta(min_length=1, max_length=500, pattern=r"\S")]


class UrgingOut(Schema):
    """One 催办: when, at which step, the answer's day, the answer (visible to the applicant)."""

    id: int
    application_id: int
    urged_on: date
    urged_at: datetime
    due_on: date
    escalated: bool
    step: str | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    public_no: str | None = None
    service_name: str | None = None
    step_name: str | None = None  # the step's name in the service (受理, 审核, 决定 ...)


class CaseMessageIn(Input):
    """A message on the case's thread with the approver (F102)."""

    text: Annotated[str, Meta(min_length=1, max_length=500, pattern=r"\S")]


class CaseMessageOut(Schema):
    """One message: who (申请人, or 审批人员 and the step — never a name or phone), what, when."""

    id: int
    from_staff: bool
    sender: str
    text: str
    at: datetime
