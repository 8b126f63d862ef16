"""Approvals at the edge: the task queue, decisions and batches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from api.agency.schemas import TaskAgencyOut
from api.identity.schemas import ApplicantIdentity
from api.types import Input, Schema

Decision = Literal["approve", "reject", "return"]
TaskStatus = Literal["open", "claimed", "waiting_exam"]
Reason = Annotated[str, Meta(max_length=500)]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]


class MissingItem(Input):
    """One missing or wrong item of a return (退回补正): a material or a form field."""

    code: Code
    message: Annotated[str, Meta(min_length=1, max_length=200)]
    name: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    kind: Literal["material", "field", "rule"] = "material"


class DecisionIn(Input):
    decision: Decision
    reason: Reason | None = None
    missing: Annotated[list[MissingItem], Meta(max_length=50)] = []
    # F096: a lead's reason for naming, after an earlier 一次性告知, items it did not name
    override_reason: Reason | None = None

    def __post_init__(self) -> None:
        # Cross-field rules: msgspec reports these as 400 validation errors with the field named.
        if self.decision == "reject" and not (self.reason or "").strip():
            raise ValueError("不予许可须填写理由 (reason)")
        if self.decision == "return" and not self.missing:
            raise ValueError("退回补正须列出需补正的材料 (missing)")
        if self.decision != "return" and self.missing:
            raise ValueError("只有退回补正才列出需补正的材料 (missing)")
        codes = [m.code for m in self.missing]
        if len(set(codes)) != len(codes):
            raise ValueError("需补正的材料重复 (missing)")


class BatchItem(DecisionIn, kw_only=True):
    task_id: Annotated[int, Meta(gt=0)]


class BatchDecisionIn(Input):
    items: Annotated[list[BatchItem], Meta(min_length=1, max_length=200)]

    def __post_init__(self) -> None:
        ids = [i.task_id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("同一待办在批量中出现多次 (items)")


class Task(msgspec.Struct, frozen=True):
    """One approval task as other areas read it (exams, the console): the step it is at and the
    case it acts on."""

    id: int
    application_id: int
    service_code: str
    position: int
    step: str
    role: str
    stage: str  # the case's status the task acts on
    status: str  # open, claimed, waiting_exam, done, cancelled
    assignee_id: int | None
    applicant_id: int
    public_no: str | None
    service_name: str
    step_name: str
    step_count: int
    application_status: str
    answers: dict[str, Any] | None = None

    @property
    def is_last_step(self) -> bool:
        return self.position == self.step_count


class TaskOut(Schema):
    id: int
    application_id: int
    public_no: str | None
    service_code: str
    service_name: str
    step: str
    step_name: str
    status: str
    applicant: str | None
    submitted_at: datetime | None
    due_on: date | None
    workdays_left: int | None
    overdue: bool
    claimed_by_me: bool
    assignee_id: int | None = None
    # the automatic review passed all its checks (True), found something (False), or the service
    # has none (None): the bulky-cargo queue shows which cases can be decided at once
    review_all_passed: bool | None = None
    # why an instant matter waits for a person instead of the automatic decision (issue 21)
    manual_reason: str | None = None
    # the case's subject and who acted (issue 20): person | enterprise; self | legal_rep | agent (经办人)
    # | proxy (代办人, F093) | company (the taxi company registering its driver, F017)
    subject_kind: str = "person"
    subject_credit_code: str | None = None
    acted_as: str = "self"
    acted_by: str | None = None  # the acting person's name, masked (proxy), or the company's name
    agency: TaskAgencyOut | None = None  # proxy / company: the filing, letter and confirmation
    # issue 19: the verified person who filed (name, masked ID number, face / window / document)
    person: ApplicantIdentity | None = None


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None = None


class DecisionOut(Schema):
    id: int
    task_id: int
    application_id: int
    step: str
    decision: str
    reason: str | None
    approver_id: int
    decided_at: datetime
    chain_seq: int
    chain_hash: str
    application_status: str
    next_task_id: int | None = None
    licence_ids: list[int] = []
    gap_notice_id: int | None = None


class BatchDecisionOut(Schema):
    batch_id: str
    decisions: list[DecisionOut]


class TaskPageOut(Schema):
    page_no: int
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    url: str
    original_name: str | None = None


class MaterialOut(Schema):
    code: str
    name: str
    required: bool
    state: Literal["uploaded", "exempt", "missing"]
    content_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    original_name: str | None = None
    uploaded_at: datetime | None = None
    exempt_by: str | None = None
    exempt_reason: str | None = None  # which licence, from which source (issue 21)
    url: str | None = None  # the first page (or the one file)
    pages: list[TaskPageOut] = []
