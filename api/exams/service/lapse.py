"""FAQ F123 "1年内未通过全部科目的，需重新提交申请": the exam year is over.

A qualification case waits at its decide step (``waiting_exam``) until every subject is passed
(``api.approvals.service_exams.record_exam_result``). From the day after the first exam's anniversary
(Asia/Shanghai business dates) a case still waiting is ended by the daily job, once:

- the exam case is ``lapsed``; the decide task is cancelled (nobody decided: no sign-off);
- the application is closed (已终止) with the reason in its timeline; no licence, no rejection;
- a retake booked for a day after the anniversary is cancelled with the reason, so the seat goes
  back to others (a waiting person gets it, or it cools like any freed seat); open exam
  invitations of the service are closed, so no "场次已开放" message reaches a case that is over;
- the applicant is told once (``exam_lapsed``: in-app, WeChat and SMS) that they must apply again.

Nothing blocks a new application: the next one starts its own exam case and its own year.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import structlog

import notify
from api.applications import service as applications
from api.appointments import service as appointments
from api.approvals.service import tasks
from api.clock import at
from api.db import load_queries, rows, transaction

q = load_queries(Path(__file__).parents[1])
log = structlog.get_logger("zsb.exams.lapse")

LAPSE_NOTE = "1年内未通过全部科目，需重新提交申请"
RETAKE_CANCELLED = "1年内未通过全部科目，本次申请已终止，补考预约已取消，名额已释放。如需继续请重新提交申请。"


def lapse_starts(year_end: date) -> date:
    """The first day a case whose exam year ends on ``year_end`` is lapsed."""
    return year_end + timedelta(days=1)


async def lapse_overdue_exams(pool: Any, today: date, now: datetime, policy: Any = None) -> dict[str, int]:
    """The daily job: each case past its exam year in its own short transaction. A second run finds
    nothing (only cases still ``waiting`` are looked at, and each step is a conditional update)."""
    async with transaction(pool) as conn:
        due = [r["application_id"] for r in await rows(q.lapsing_exams(conn, today=today))]
    counts = {"lapsed": 0, "retakesCancelled": 0}
    for application_id in due:
        async with transaction(pool) as conn:
            cancelled = await _lapse(conn, application_id, today, now, policy)
        if cancelled is not None:
            counts["lapsed"] += 1
            counts["retakesCancelled"] += cancelled
    return counts


async def _lapse(conn: Any, application_id: int, today: date, now: datetime, policy: Any) -> int | None:
    """End one case; None when it is no longer due (a result recorded meanwhile). Returns the
    number of retakes cancelled."""
    case = await q.lock_lapsing_exam(conn, application_id=application_id)
    if case is None or case["status"] != "waiting" or case["year_end"] is None or case["year_end"] >= today:
        return None
    await q.lapse_exam(conn, application_id=application_id)
    task_id = await tasks.cancel_exam_task(conn, application_id, now)
    # retakes booked for a day after the exam year, cancelled by the appointments area's own steps
    # of a cancellation (the seat freed to the waitlist or cooling, the booking's pending reminders
    # withdrawn, appointment_cancelled sent) — without the applicant's change deadline, which binds
    # the applicant, not the bureau ending the case; no "exam sessions are open" message either
    retakes = await appointments.cancel_exam_bookings(
        conn, user_id=case["applicant_id"], service_code=case["service_code"], application_id=application_id,
        from_ts=at(lapse_starts(case["year_end"]), time(0)), now=now, policy=policy, reason=RETAKE_CANCELLED)
    await applications.transition(
        conn, application_id, "closed", actor_id=None, note=LAPSE_NOTE, notify_applicant=False, now=now,
        data={"exam": "lapsed", "examYearEnd": case["year_end"].isoformat(), "attempts": case["attempts"],
              "taskId": task_id, "cancelledAppointments": retakes})
    await notify.enqueue(conn, user_id=case["applicant_id"], event="exam_lapsed",
                         dedupe_key=f"exam_lapsed:{application_id}", subject=("application", application_id),
                         params={"serviceName": case["service_name"], "publicNo": case["public_no"],
                                 "examYearEnd": case["year_end"].isoformat(), "reason": LAPSE_NOTE,
                                 "retakeNote": "，已预约的补考场次已取消" if retakes else "，不再安排补考"})
    log.info("exam_lapsed", application_id=application_id, retakes_cancelled=len(retakes))
    return len(retakes)
