"""Complaints and suggestions at the edge: what applicants send and what they and admins see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.enterprises.schemas import OwningSubjectOut
from api.types import Input, Schema

Category = Literal["complaint", "suggestion", "report"]
TargetType = Literal["application", "window", "staff", "app", "other"]
Status = Literal["received", "assigned", "answered", "closed"]
ComplaintText = Annotated[str, Meta(min_length=5, max_length=2000, description="事项、时间和经过")]
AnswerText = Annotated[str, Meta(min_length=2, max_length=2000)]
RowId = Annotated[int, Meta(ge=1, le=2**63 - 1)]
# F144: pictures may be attached; nine is what the WeChat image picker offers at once.
MAX_ATTACHMENTS = 9


class ComplaintIn(Input):
    category: Category
    target_type: TargetType
    text: ComplaintText
    target_id: RowId | None = None
    attachments: Annotated[list[RowId], Meta(max_length=MAX_ATTACHMENTS)] = []

    def __post_init__(self) -> None:
        if self.target_type == "application" and self.target_id is None:
            raise ValueError("targetId: 投诉办件时请选择办件")
        if self.target_type in ("app", "other") and self.target_id is not None:
            raise ValueError("targetId: 该类投诉不需要 targetId")
        if len(set(self.attachments)) != len(self.attachments):
            raise ValueError("attachments: 附件重复")
        self.text = self.text.strip()
        if len(self.text) < 5:
            raise ValueError("text: 请写明事项、时间和经过")


class AssignIn(Input):
    assignee_id: RowId
    note: Annotated[str, Meta(max_length=500)] | None = None


class AnswerIn(Input):
    text: AnswerText


class CloseIn(Input):
    note: Annotated[str, Meta(max_length=500)] | None = None


class RatingIn(Input):
    level: Annotated[int, Meta(ge=1, le=5, description="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")]
    comment: Annotated[str, Meta(max_length=500)] | None = None


class AttachmentOut(Schema):
    id: int
    content_type: str
    size_bytes: int
    original_name: str | None
    created_at: datetime


class EventOut(Schema):
    kind: str
    note: str | None
    created_at: datetime


class StaffEventOut(EventOut):
    actor_id: int | None
    actor_name: str | None


class ComplaintOut(Schema):
    """What the complainant sees."""

    id: int
    public_no: str
    category: Category
    target_type: TargetType
    target_id: int | None
    text: str
    status: Status
    due_on: date
    received_at: datetime
    answer: str | None
    answered_at: datetime | None
    rating: int | None
    rating_comment: str | None
    closed_at: datetime | None
    attachments: list[AttachmentOut] = []
    timeline: list[EventOut] = []
    subject: OwningSubjectOut | None = None  # whose complaint: the person's or an enterprise's (issue 20)


class ComplaintSummary(Schema):
    id: int
    public_no: str
    category: Category
    target_type: TargetType
    status: Status
    due_on: date
    received_at: datetime
    answered_at: datetime | None
    rating: int | None
    subject: OwningSubjectOut | None = None


class AdminComplaintOut(Schema):
    """What the bureau's handlers see: the complainant masked (F144: 投诉人信息严格保密)."""

    id: int
    public_no: str
    category: Category
    target_type: TargetType
    target_id: int | None
    text: str
    status: Status
    due_on: date
    received_at: datetime
    complainant: str | None
    complainant_phone: str | None
    assignee_id: int | None
    assignee_name: str | None
    answer: str | None
    answered_at: datetime | None
    answered_late: bool | None
    overdue: bool
    reminded_at: datetime | None
    escalated_at: datetime | None
    rating: int | None
    rating_comment: str | None
    closed_at: datetime | None
    attachments: list[AttachmentOut] = []
    timeline: list[StaffEventOut] = []
    # a staff complaint: whom its targetId names, or None when it names no staff member (taken as given)
    target_staff_name: str | None = None
    subject: OwningSubjectOut | None = None  # filed for an enterprise: its verified name (issue 20)



class HeldComplaintOut(Schema):
    """A complaint's text (part text) or its rating comment (part rating) WeChat's content check
    held, for a lead or an admin to review (issue 25)."""

    part: Literal["text", "rating"]
    id: int
    public_no: str
    text: str
    suggest: str | None
    label: int | None
    created_at: datetime
