from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.enterprises.schemas import OwningSubjectOut
from api.types import Input, Schema

# 5 非常满意 .. 1 非常不满意 (好差评 five levels); 1 and 2 are bad reviews.
LEVEL_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
OUTCOME_LABELS = {"rectified": "已整改", "explained": "已说明原因", "unfounded": "经核实情况不属实"}

Level = Annotated[int, Meta(ge=1, le=5, description="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")]
Tag = Annotated[str, Meta(min_length=1, max_length=20)]
TargetType = Literal["application", "appointment", "conversation"]
Outcome = Literal["rectified", "explained", "unfounded"]
Note = Annotated[str, Meta(min_length=2, max_length=1000)]


class RatingIn(Input):
    target_type: TargetType
    target_id: Annotated[int, Meta(ge=1)]
    level: Level
    tags: Annotated[list[Tag], Meta(max_length=10)] = []
    comment: Annotated[str, Meta(max_length=500)] = ""


class CommentIn(Input):
    text: Annotated[str, Meta(min_length=1, max_length=500)]


class CallBackIn(Input):
    note: Note


class FollowUpIn(Input):
    """The rectification note and the outcome; closes the follow-up (after the call-back)."""

    note: Note
    outcome: Outcome


class VoidIn(Input):
    reason: Note


class PolicyIn(Input):
    callback_workdays: Annotated[int, Meta(ge=1, le=30)]
    rectify_workdays: Annotated[int, Meta(ge=1, le=60)]
    comment_days: Annotated[int, Meta(ge=1, le=90)]

    def __post_init__(self) -> None:
        if self.rectify_workdays < self.callback_workdays:
            raise ValueError("rectifyWorkdays must not be shorter than callbackWorkdays")


class Policy(Schema):
    callback_workdays: int
    rectify_workdays: int
    comment_days: int


class CommentOut(Schema):
    id: int
    text: str
    created_at: datetime
    # issue 25: WeChat's content check held it (its author still sees it; nobody else does)
    held: bool = False


class FollowUpOut(Schema):
    status: str
    callback_due_on: date
    rectify_due_on: date
    called_back_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    outcome_label: str | None = None
    rectification_note: str | None = None
    overdue: bool = False


class RatingOut(Schema):
    """A rating as its author sees it."""

    id: int
    target_type: str
    target_id: int
    service_code: str | None
    level: int
    level_label: str
    is_bad: bool
    tags: list[str]
    comment: str
    created_at: datetime
    voided: bool = False
    comments: list[CommentOut] = []
    follow_up: FollowUpOut | None = None
    # issue 25: WeChat's content check held the comment (its author still sees it; nobody else does)
    comment_held: bool = False
    subject: OwningSubjectOut | None = None  # whose rating: the person's or an enterprise's (issue 20)


class FollowUpEventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    note: str | None
    created_at: datetime


class AdminRatingOut(Schema):
    """A rating as staff see it: the rater's name and phone masked."""

    id: int
    target_type: str
    target_id: int
    service_code: str | None
    level: int
    level_label: str
    is_bad: bool
    tags: list[str]
    comment: str
    created_at: datetime
    rater_name: str | None
    rater_phone: str | None
    voided_at: datetime | None = None
    void_reason: str | None = None
    follow_up: FollowUpOut | None = None
    callback_escalated_at: datetime | None = None
    rectify_escalated_at: datetime | None = None
    subject: OwningSubjectOut | None = None  # the rating's subject: an enterprise by its verified name


class AdminRatingDetail(AdminRatingOut):
    callback_note: str | None = None
    comments: list[CommentOut] = []
    events: list[FollowUpEventOut] = []


class HeldRatingTextOut(Schema):
    """A rating comment (kind rating) or appended comment (kind comment) the content check held."""

    kind: Literal["rating", "comment"]
    id: int
    rating_id: int
    text: str
    suggest: str | None
    label: int | None
    created_at: datetime
