"""What an approver reads to decide a task: the case's form, materials, timeline and exam."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from api.applications.schemas import ReviewOut
from api.approvals.schemas import MaterialOut, TaskOut
from api.exams.schemas import ExamOut
from api.types import Schema


class TimelineEntry(Schema):
    id: int
    kind: str
    actor_id: int | None
    from_status: str | None
    to_status: str
    note: str | None
    created_at: datetime
    seq: int | None
    hash: str | None


class SituationAnswer(Schema):
    """One situation question of the service and the applicant's answer, as the guide words them."""

    code: str
    question: str
    answer: str


class TaskDetail(Schema):
    task: TaskOut
    application_status: str
    applicant_phone: str | None
    form: dict[str, Any]
    answers: dict[str, Any]
    materials: list[MaterialOut]
    timeline: list[TimelineEntry]
    is_last_step: bool
    exam: ExamOut | None = None
    form_labels: dict[str, str] = {}  # form field code -> its label in the service guide (企业名称, ...)
    situation: list[SituationAnswer] = []
    review: ReviewOut | None = None  # the automatic review's checks and results (bulky cargo)
