"""Qualification exams (巡游出租车 and 网约车 driver qualifications, FAQ F005/F006/F014/F120–F123).

A service takes an exam when its catalogue entry names one (``ServiceSpec.exam``, its subjects).
Once the background review passes, the case waits for the exam (``start_exam``) and the
applicant is invited to book a session through the appointments area (or staff assign one:
``exam_slot`` SMS with time, place and code); the decide task waits for the result (the
staff record it: ``record_exam_result``). Each subject passes at 90 of 100; a pass stays valid for a
year (F123), so a retake records only the failed subject. Which subjects a case takes follows
its answers (``ExamSpec.required``): both (F005), or only the regional one for a holder of the
cruising-taxi qualification applying for the ride-hailing certificate (F013). A fail: told by
SMS, invited to book a retake without applying again. Not every subject passed within a year of
the first exam: the case lapses and the applicant applies again (``lapse``, a daily job).

Public (all take ``conn``): ``waits_for_exam``, ``start_exam``, ``exam_of`` for the approvals
area's tasks; ``assign_exam_slot`` and ``record_exam_result`` for the staff acting on the task
that waits (through the approvals area's ``service.tasks``: their step, never their own case).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import notify
from api import clock
from api.applications import service as applications
from api.appointments import service as appointments
from api.appointments.duties import invite_to_exam
from api.approvals.service import outcome, tasks
from api.approvals.schemas import Task
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.errors import Conflict, Unprocessable
from api.exams.schemas import ExamOut, ExamResultIn, SubjectOut

q = load_queries(Path(__file__).parents[1])

PASS_VALID_DAYS = 365  # F123: 已合格科目成绩1年内有效


class NoExamPending(Conflict):
    """该办件当前没有待考的考试。"""

    code = "no_exam_pending"


class ExamSubjectNotRequired(Unprocessable):
    """该申请人无需参加此科目考试（已取得巡游出租车从业资格的只考区域科目），请只录入需考科目的成绩。"""

    code = "exam_subject_not_required"


class ExamYearOver(Conflict):
    """自首次考试之日起已满1年，未通过全部科目的需重新提交申请，不能再录入本次申请的成绩。"""

    code = "exam_year_over"


async def waits_for_exam(conn: Any, application_id: int, service_code: str) -> bool:
    if not await catalogue.has_exam(conn, service_code):
        return False
    exam = await q.get_exam(conn, application_id=application_id)
    return exam is not None and exam["status"] == "waiting"


async def start_exam(conn: Any, application_id: int, *, now: datetime | None = None) -> None:
    """The checks passed: the application waits for the exam; the applicant may book a session.
    Does nothing for a service without an exam. ``now``: the app's clock (the pause starts then)."""
    case = await applications.get_case(conn, application_id)
    if not await catalogue.has_exam(conn, case.service_code):
        return
    await q.open_exam(conn, application_id=case.id)
    # F006/F106: the time the case waits for the exam does not count (its clock pauses until the decision)
    if await applications.open_pause(conn, case.id) is not None:
        await applications.end_pause(conn, case.id, actor_id=None, now=now)
    await applications.start_pause(conn, case.id, "exam", reason="等待申请人参加考试", actor_id=None, now=now)
    await _invite(conn, case)


async def _invite(conn: Any, case: applications.Case) -> None:
    await invite_to_exam(conn, user_id=case.applicant_id, service_code=case.service_code, application_id=case.id)


async def exam_of(conn: Any, application_id: int) -> ExamOut | None:
    exam = await q.get_exam(conn, application_id=application_id)
    if exam is None:
        return None
    results = [SubjectOut(subject=r["subject"], score=r["score"], passed=r["passed"], taken_on=r["taken_on"])
               for r in await rows(q.results(conn, application_id=application_id))]
    return ExamOut(application_id=application_id, status=exam["status"], attempts=exam["attempts"],
                   results=results, passed_at=exam["passed_at"], lapsed_at=exam["lapsed_at"])


async def _exam_task(conn: Any, user: AuthUser, task_id: int) -> Task:
    """The decide task waiting for this case's exam, for a staff member who may act on it."""
    task = await tasks.acting_task(conn, user, task_id)
    if task.status != "waiting_exam":
        raise NoExamPending(currentStatus=task.status)
    return task


async def assign_exam_slot(conn: Any, user: AuthUser, task_id: int, slot_id: int) -> dict[str, Any]:
    """Staff put the applicant on an exam session; the appointments area sends exam_slot."""
    task = await _exam_task(conn, user, task_id)
    appt = await appointments.assign_exam_slot(conn, user_id=task.applicant_id, service_code=task.service_code,
                                               slot_id=slot_id, application_id=task.application_id,
                                               actor_id=user.id)
    return {"appointmentId": appt.id, "code": appt.code, "startsAt": appt.starts_at.isoformat(),
            "siteName": appt.site_name}


async def record_exam_result(conn: Any, user: AuthUser, task_id: int, data: ExamResultIn, *,
                             now: datetime) -> ExamOut:
    """One sitting's scores of the case's subjects. All of them passed: the certificate is issued,
    the case approved (its waiting task done and signed) and the paper certificate sent. A subject
    missing: the applicant is told and invited to book a retake. ``now``: the app's clock."""
    task = await _exam_task(conn, user, task_id)
    licence_ids: list[int] = []
    if await _record(conn, task, data, recorded_by=user.id, today=clock.local_day(now)):
        if not await tasks.finish_exam_task(conn, task_id, user.id, now):
            raise NoExamPending()
        trail = {"taskId": task_id, "step": task.step, "decision": "approve", "exam": "passed"}
        licence_ids = await outcome.approve_final(conn, task.application_id, actor_id=user.id,
                                                  note="考试合格，准予许可", data=trail, now=now)
        await tasks.sign(conn, task, approver_id=user.id, decision="approve", reason="考试合格")
    out = await exam_of(conn, task.application_id)
    assert out is not None
    out.licence_ids = licence_ids
    return out


async def _record(conn: Any, task: Task, data: ExamResultIn, *, recorded_by: int, today: date | None) -> bool:
    """Record the scores; True when every subject the case takes is now passed (the exam case is
    then ``passed``, the applicant told), False when one is missing (told, invited to a retake)."""
    app_id = task.application_id
    exam = await q.lock_exam(conn, application_id=app_id)
    if exam is None or exam["status"] != "waiting":  # lapsed by the daily job meanwhile
        raise NoExamPending()
    if data.taken_on > (today or clock.today()):
        raise NoExamPending("考试日期不能晚于今天")
    year_end = await q.exam_year_end(conn, application_id=app_id)
    if year_end is not None and data.taken_on > year_end:  # F123: the daily job ends the case
        raise ExamYearOver(examYearEnd=year_end.isoformat(), faq="F123")
    spec = await catalogue.exam_of(conn, task.service_code)
    if spec is None:
        raise NoExamPending()
    names = {s.code: s.name for s in spec.subjects}
    required = spec.required(task.answers)
    extra = [s for s in names if s not in required and getattr(data, s, None) is not None]
    if extra:  # refused before anything is written
        raise ExamSubjectNotRequired(subjects=extra, required=required, faq="F013")
    for subject in required:
        score = getattr(data, subject)
        if score is not None:
            await q.insert_result(conn, application_id=app_id, subject=subject, score=score,
                                  taken_on=data.taken_on, recorded_by=recorded_by)
    await q.count_attempt(conn, application_id=app_id)
    since = data.taken_on - timedelta(days=PASS_VALID_DAYS)
    passed = {r["subject"] for r in await rows(q.valid_passes(conn, application_id=app_id, since=since))}
    missing = [names[s] for s in required if s not in passed]
    params = {"serviceName": task.service_name, "publicNo": task.public_no}
    if missing:
        await notify.enqueue(conn, user_id=task.applicant_id, event="exam_result",
                             dedupe_key=f"exam_result:{app_id}:{data.taken_on}:{'-'.join(missing)}",
                             subject=("application", app_id),
                             params={**params, "result": "不合格",
                                     "reason": f"{'、'.join(missing)}未合格，可在“我的预约”中直接选择补考场次，无需重新申请。"})
        await invite_to_exam(conn, user_id=task.applicant_id, service_code=task.service_code, application_id=app_id)
        return False
    await q.mark_passed(conn, application_id=app_id)
    await notify.enqueue(conn, user_id=task.applicant_id, event="exam_result",
                         dedupe_key=f"exam_result:{app_id}:passed", subject=("application", app_id),
                         params={**params, "result": "合格", "reason": "证件将由邮政EMS免费寄出。"})
    return True
