"""Approvals at the edge: the task queue, decisions, batches, deliveries and exam results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from api.auth.schemas import PostalAddress
from api.types import Input, Name, ResidentId, Schema, is_resident_id

Decision = Literal["approve", "reject", "return"]
TaskStatus = Literal["open", "claimed", "waiting_exam"]
Reason = Annotated[str, Meta(max_length=500)]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
SiteCode = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$", description="领证网点")]
TrackingNo = Annotated[str, Meta(pattern=r"^[A-Z0-9]{8,30}$", description="快递单号（EMS）")]
Score = Annotated[int, Meta(ge=0, le=100)]


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


class DeliveryOut(Schema):
    id: int
    application_id: int
    public_no: str | None
    service_name: str
    method: str
    address: str | None
    status: str
    tracking_no: str | None
    applicant: str | None
    created_at: datetime
    handled_at: datetime | None
    # F131 窗口自取: the window, its last day, who collected (a proxy's name and ID masked)
    site_code: str | None = None
    site_name: str | None = None
    site_address: str | None = None
    held_until: date | None = None
    collected_by: str | None = None
    proxy_name: str | None = None
    proxy_id_number: str | None = None
    lapsed_at: datetime | None = None


class HandOverIn(Input):
    """Who collects at the window (F131): the applicant with their ID card, or a proxy with their
    own ID card and the applicant's signed authorisation letter (checked by staff)."""

    collector: Literal["applicant", "proxy"] = "applicant"
    proxy_name: Name | None = None
    proxy_id_number: ResidentId | None = None
    letter_checked: bool = False

    def __post_init__(self) -> None:
        if self.collector == "applicant":
            if self.proxy_name is not None or self.proxy_id_number is not None:
                raise ValueError("本人领取不填写代领人信息 (proxyName, proxyIdNumber)")
            return
        if not (self.proxy_name or "").strip() or self.proxy_id_number is None:
            raise ValueError("代领须填写代领人姓名和身份证号 (proxyName, proxyIdNumber)")
        self.proxy_name = self.proxy_name.strip()
        self.proxy_id_number = self.proxy_id_number.upper()
        if not is_resident_id(self.proxy_id_number):
            raise ValueError("代领人身份证号不正确（校验位或出生日期有误） (proxyIdNumber)")


class ShipmentIn(Input):
    tracking_no: TrackingNo


class ReshipmentIn(Input):
    """F130: the shipment was lost (确认寄丢) or came back (退回); the licence goes out again, free,
    under a new EMS number — to a corrected address when the old one was wrong."""

    tracking_no: TrackingNo
    reason: Literal["lost", "returned"]
    address: PostalAddress | None = None


class DeliveryChangeIn(Input):
    """F129 修改收件地址 before the licence is shipped: a new postal address (快递送达), or a window
    to collect it at instead (窗口自取, a site code)."""

    method: Literal["express", "pickup"]
    address: PostalAddress | None = None
    pickup_site: SiteCode | None = None

    def __post_init__(self) -> None:
        if self.method == "express":
            self.address = (self.address or "").strip()
            if len(self.address) < 5 or self.pickup_site is not None:
                raise ValueError("快递送达须填写完整的收件地址，不填领证网点 (address)")
        elif self.pickup_site is None or self.address is not None:
            raise ValueError("窗口自取须选择领证网点，不填收件地址 (pickupSite)")


class ShipmentOut(Schema):
    tracking_no: str
    reason: str | None  # None: the first shipment; lost / returned: why it was sent again
    shipped_at: datetime


class MyDeliveryOut(Schema):
    """The applicant's own view (办件详情): how the paper licence comes, its EMS numbers, and
    whether the address may still be changed."""

    application_id: int
    method: str
    status: str  # planned (not decided yet), pending, shipped, picked_up
    status_label: str
    address: str | None = None
    tracking_no: str | None = None
    shipments: list[ShipmentOut] = []
    site_code: str | None = None
    site_name: str | None = None
    site_address: str | None = None
    held_until: date | None = None
    can_change: bool = False


class ExamSlotIn(Input):
    slot_id: Annotated[int, Meta(gt=0)]


class ExamResultIn(Input):
    """Scores of the subjects taken this time (a retake may only hold the failed one, F123)."""

    taken_on: date
    national: Score | None = None
    regional: Score | None = None

    def __post_init__(self) -> None:
        if self.national is None and self.regional is None:
            raise ValueError("至少录入一科成绩 (national / regional)")


class SubjectOut(Schema):
    subject: str
    score: int
    passed: bool
    taken_on: date


class ExamOut(Schema):
    application_id: int
    status: str
    attempts: int
    results: list[SubjectOut] = []
    passed_at: datetime | None = None
    licence_ids: list[int] = []
    lapsed_at: datetime | None = None  # F123: not all passed within a year of the first exam
