"""The applicant's rights during a case (issue 23): clock pauses, as other areas and people read them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.types import Input, Schema

ShortReason = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]


class CasePause(Schema):
    """One pause of the promised clock (考试、现场核查、技术评估/加固改造、补正材料): who started and
    ended it, why, and the working days it lasted (set when it ended)."""

    id: int
    application_id: int
    kind: str
    kind_label: str
    started_at: datetime
    reason: str
    ended_at: datetime | None = None
    started_by: int | None = None
    ended_by: int | None = None
    workdays: int | None = None


class CaseClockOut(Schema):
    """The case's promised clock as of today: the expected finish date (paused days not counted),
    whether it stands still now, and every pause."""

    application_id: int
    promised_days: int
    due_on: date | None
    paused: bool
    paused_workdays: int
    pauses: list[CasePause]


class GapAdditionOut(Schema):
    """A later gap notice that named items the 一次性告知 had not (F096): flagged on the case, with
    the lead's reason; the applicant may complain (投诉建议)."""

    gap_notice_id: int
    items: list[dict[str, str]]
    reason: str
    override_by: int
    at: datetime


class RereviewIn(Input):
    """F051 申请人工复核: why the applicant thinks the automatic result is wrong (short)."""

    reason: ShortReason


class RereviewDecisionIn(Input):
    """Uphold the automatic result (with a reason) or override the named failed checks."""

    outcome: Literal["uphold", "override"]
    reason: ShortReason
    checks: Annotated[list[Annotated[str, Meta(pattern=r"^[a-z]+\.[a-z_]+$", max_length=64)]], Meta(max_length=30)] = []


class RereviewCheckOut(Schema):
    """A check the automatic review failed, as the re-review names it: code (what an override
    names), name and the review's reason."""

    code: str
    name: str
    reason: str


class RereviewOut(Schema):
    """A manual re-review of the automatic review, beside its results. Staff's list and decision
    also name the case (publicNo, serviceName) and the run's failed checks, the ones that may be
    overridden (failedChecks; absent on the applicant's side, who sees them in the case's review)."""

    id: int
    application_id: int
    review_id: int
    reason: str
    requested_at: datetime
    due_on: date
    status: str  # open, upheld, overridden
    overridden: list[str]
    escalated: bool
    answer: str | None = None
    decided_at: datetime | None = None
    public_no: str | None = None
    service_name: str | None = None
    failed_checks: list[RereviewCheckOut] | None = None
