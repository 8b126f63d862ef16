from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from api.applications.schemas_rights import CasePause, GapAdditionOut, RereviewOut
from api.identity.schemas import ApplicantIdentity
from api.types import Answers, Form, Input, Schema, ServiceCode


class ApplicationIn(Input):
    service_code: ServiceCode
    answers: Answers = {}
    form: Form = {}
    # a lifecycle service (换证、补发、变更、注销): the licence of the caller's library it acts on
    licence_id: Annotated[int, Meta(ge=1)] | None = None


class ApplicationPatch(Input):
    answers: Answers | None = None
    # merged into the stored form; a null value clears that field
    form: Form | None = None


class WithdrawIn(Input):
    reason: Annotated[str, Meta(min_length=1, max_length=500)]


class ExtensionIn(Input):
    """FAQ F098: why the supplement cannot be made in time (the special reason)."""

    reason: Annotated[str, Meta(min_length=1, max_length=500, pattern=r"\S")]


class Gap(Schema):
    kind: str
    code: str
    name: str
    message: str


class GapNotice(msgspec.Struct, frozen=True):
    """A notice just raised (一次性告知), as other areas read it (approvals' return for materials)."""
    id: int
    application_id: int
    gaps: list[dict[str, Any]]
    from_status: str
    due_on: date


class CaseEvent(msgspec.Struct, frozen=True):
    """A timeline entry just appended, as other areas read it (its id keys their messages)."""
    id: int
    application_id: int
    kind: str
    to_status: str


class GapNoticeOut(Schema):
    id: int
    gaps: list[Gap]
    due_on: date
    created_at: datetime
    resolved_at: datetime | None = None
    outcome: str | None = None
    # F098's one extension: the deadline before it and when it was granted (due_on is the new one)
    original_due_on: date | None = None
    extended_at: datetime | None = None


# FAQ F101 "一项材料可传多页": this product's limit of pages per material (the database CHECKs it too).
MAX_PAGES = 20
PageNo = Annotated[int, Meta(ge=1, le=MAX_PAGES)]


class PageOrderIn(Input):
    """The material's current page numbers in their new order: [3, 1, 2] makes page 3 the first."""

    order: Annotated[list[PageNo], Meta(min_length=1, max_length=MAX_PAGES)]


class MaterialPageOut(Schema):
    page_no: int
    content_type: str
    size_bytes: int
    sha256: str
    original_name: str | None
    uploaded_at: datetime
    url: str


class MaterialOut(Schema):
    """One material; the single-file fields (contentType ... uploadedAt) describe its first page."""

    code: str
    name: str
    required: bool
    exempt: bool
    exempt_licence_id: int | None = None
    uploaded: bool = False
    exempt_reason: str | None = None  # which licence, from which source (证照免交)
    content_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    original_name: str | None = None
    uploaded_at: datetime | None = None
    page_count: int = 0
    pages: list[MaterialPageOut] = []


class EventOut(Schema):
    id: int
    kind: str
    from_status: str | None
    to_status: str
    note: str | None
    at: datetime
    by_staff: bool = False


class LicenceOut(Schema):
    id: int
    type: str
    name: str
    number: str
    valid_from: date
    valid_until: date | None
    status: str
    application_id: int | None
    issued_at: datetime
    # when a later licence replaced it or a deregistration cancelled it: why and when (no longer valid)
    revoked_at: datetime | None = None
    revoked_reason: str | None = None


class ApplicationSummary(Schema):
    id: int
    public_no: str | None
    status: str
    status_label: str
    service_code: str
    service_name: str
    created_at: datetime
    submitted_at: datetime | None = None
    due_on: date | None = None
    supplement_due_on: date | None = None


class ReviewCheckOut(Schema):
    """One check of the automatic review and its result (通过 / 未通过 / 需人工核查)."""

    code: str
    group: str
    group_name: str
    name: str
    outcome: str
    outcome_label: str
    reason: str


class ReviewOut(Schema):
    """The latest automatic review (智能审批) of the case: every check, in its group."""

    reviewed_at: datetime
    all_passed: bool
    passed: int
    failed: int
    needs_person: int
    checks: list[ReviewCheckOut]


class ApplicationOut(Schema):
    id: int
    public_no: str | None
    service_code: str
    service_name: str
    status: str
    status_label: str
    instant: bool
    promised_days: int
    answers: dict[str, str]
    form: dict[str, Any]
    materials: list[MaterialOut]
    timeline: list[EventOut]
    licences: list[LicenceOut]
    created_at: datetime
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    decided_at: datetime | None = None
    due_on: date | None = None
    supplement_due_on: date | None = None
    gap_notice: GapNoticeOut | None = None
    progress_url: str | None = None
    # F138: the working day the processing clock started (the next one for off-hours submissions)
    clock_starts_on: date | None = None
    review: ReviewOut | None = None  # the automatic review's results (bulky cargo), latest run
    # issue 19: the verified person the case belongs to (name, masked ID number, method); the form's
    # applicantName / idNumber are filled from it
    applicant: ApplicantIdentity | None = None
    # F103 "原填写的内容会保存为草稿": a withdrawn case names the draft it was saved as; that draft
    # names the case it was copied from
    draft_id: int | None = None
    copied_from: int | None = None
    licence_id: int | None = None  # the licence a lifecycle case acts on (issue 22)
    # the promised clock's pauses (考试、现场核查、技术评估、补正: not counted, FAQ F106); dueOn leaves them out
    pauses: list[CasePause] = []
    # F096: later gap notices that named something new (a lead's override, with the reason)
    gap_additions: list[GapAdditionOut] = []
    rereviews: list[RereviewOut] = []  # F051: manual re-reviews of the automatic review, beside its results


class ProgressStep(Schema):
    status: str
    label: str
    at: datetime


class ProgressOut(Schema):
    """What anyone holding the public number may see: no names, numbers or materials."""

    public_no: str
    service_name: str
    status: str
    status_label: str
    instant: bool
    submitted_at: datetime | None
    due_on: date | None
    supplement_due_on: date | None
    steps: list[ProgressStep]
    clock_starts_on: date | None = None
