"""Exams at the edge: a session assigned by staff, one sitting's scores, the case's exam."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import Meta

from api.types import Input, Schema

Score = Annotated[int, Meta(ge=0, le=100)]


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
