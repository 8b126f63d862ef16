"""A service's approval steps and the case statuses they move, as plain functions.

A service has any number of steps (``service_steps``: position, code, role, Chinese name). A case
waits at one step at a time: the step after the last one approved for it. The status does not
follow the position; it moves as it always has: the first step accepts (submitted -> accepted),
the second puts the case in review (-> in_review), any later step but the last keeps it in review,
and the last decides (approved / rejected). With one or two steps the last one decides (a one-step
service accepts and decides at once). A case that reached a status without steps here (the
automatic acceptance of an instant matter, or cases loaded from elsewhere) waits at the first
step that acts on that status.
"""

from __future__ import annotations

from datetime import date, datetime

from api.clock import local_day
from api.workdays import add_workdays, is_workday, workdays_between

# The statuses a case waits at a step in; a task acts on the case while it keeps its status (stage).
WAITING = ("submitted", "accepted", "in_review")
ACTIVE = ("open", "claimed", "waiting_exam")
# A promised matter is accepted (受理) within one working day of submission; an instant one is
# decided on the day it is submitted, or the next working day when submitted outside them
# (FAQ F034, F044: "非工作时间提交的顺延到下一个工作日"). After acceptance the application's own
# promised date (due_on, counted from the day after acceptance, F106) is every step's deadline.
ACCEPT_WORKDAYS = 1


def next_position(step_count: int, status: str, last_approved: int | None) -> int:
    """The position (1-based) of the step a case in ``status`` waits at: the one after the last
    approved, and never before the first step acting on the status."""
    first = WAITING.index(status) + 1
    return min(max((last_approved or 0) + 1, first), step_count)


def status_after(position: int, status: str) -> str | None:
    """The status approving the step at ``position`` (not the last) moves the case to, or None
    when it stays (a middle step of a service with more than three)."""
    target = "accepted" if position == 1 else "in_review"
    return target if target != status else None


def task_due(due_on: date | None, *, clock_starts_on: date | None, submitted_at: datetime | None,
             is_instant: bool, today: date) -> date | None:
    if due_on is not None:
        return due_on
    # F138: a case submitted outside office hours starts its clock on the next working day
    # (clock_starts_on, kept by the applications area); older rows fall back to the submission day.
    submitted = clock_starts_on or (local_day(submitted_at) if submitted_at else today)
    if is_instant:
        return submitted if is_workday(submitted) else add_workdays(submitted, 1)
    return add_workdays(submitted, ACCEPT_WORKDAYS)


def workdays_left(due_on: date | None, today: date) -> int | None:
    """Working days left until the end of ``due_on`` (0: due today; negative: overdue by that many)."""
    if due_on is None:
        return None
    return workdays_between(today, due_on) if due_on >= today else -workdays_between(due_on, today)
