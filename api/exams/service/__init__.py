"""Qualification exams: waiting for, sitting and recording the exam of a case (qualification), and the
exam year's lapse (lapse, FAQ F123). Other areas import the names below."""

from __future__ import annotations

from api.exams.service.qualification import (
    PASS_VALID_DAYS, NoExamPending, ExamSubjectNotRequired, ExamYearOver, waits_for_exam, start_exam, exam_of,
    assign_exam_slot, record_exam_result,
)
from api.exams.service.lapse import LAPSE_NOTE, RETAKE_CANCELLED, lapse_starts, lapse_overdue_exams
