"""Approvals at the edge: the audit chain's report and the record of staff looks at cases (F145)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from api.types import Schema


class AuditProblem(Schema):
    application_id: int
    public_no: str | None
    seq: int | None
    event_id: int | None
    problem: str


class AuditReport(Schema):
    chains: int
    links: int
    broken: list[AuditProblem]

    @property
    def ok(self) -> bool:
        return not self.broken


ViewWhat = Literal["detail", "material", "page", "delivery"]  # delivery: the name and postal address


class CaseViewOut(Schema):
    """One look a bureau staff member took at the applicant's case (F145), as the applicant sees it:
    the staff member's name masked, what they looked at and when."""

    at: datetime
    staff: str | None  # 张* (masked as every name shown to others)
    what: ViewWhat
    description: str  # 查看了办件详情（含身份证号） / 查看了材料：身份证 / 查看了材料：身份证（第2页）
    step_name: str | None = None  # the approval step the look was part of (受理, 审核, 决定)
    material_code: str | None = None
    page_no: int | None = None
    id_number_shown: bool = False


class CaseAccessLog(Schema):
    application_id: int
    items: list[CaseViewOut]


class CaseViewAuditOut(Schema):
    """One look at a case, for an admin's audit of a staff member's reads."""

    id: int
    at: datetime
    viewer_id: int
    viewer_name: str | None
    application_id: int
    public_no: str | None
    via: Literal["task", "case", "delivery"]
    task_id: int | None
    what: ViewWhat
    material_code: str | None
    page_no: int | None
    id_number_shown: bool
    delivery_id: int | None = None


class CaseViewAuditPage(Schema):
    items: list[CaseViewAuditOut]
    next_cursor: str | None = None
