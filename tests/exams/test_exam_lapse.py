"""FAQ F123 "1年内未通过全部科目的，需重新提交申请": the daily job ends a qualification case whose
exam year is over, cancels the retake it had booked, tells the applicant once; they apply again."""

from __future__ import annotations

from datetime import date

from arq import create_pool

from jobs import redis_settings
from tests.appointments.helpers import admin, book, generate, open_slot, people as bookers, slot_at
from tests.approvals.helpers import EXAM_FORM, people, submitted, task_of, through_to_exam
from tests.factories import applicant, run_jobs
from tests.samples import JPG
from tests.clock import use_clock

API = "/api/v1"
TASKS = f"{API}/tasks"
EXAM = "taxi-driver-cert"
EXAM_CENTRE = "transport-school-exam-centre"
FORM = EXAM_FORM
LAPSE_NOTE = "1年内未通过全部科目，需重新提交申请"
# The first exam on Tuesday 2 June 2025: its year ends on Tuesday 2 June 2026; lapsed from the 3rd.
FIRST_EXAM = "2025-06-02"
YEAR_END = date(2026, 6, 2)
LAPSE_DAY = date(2026, 6, 3)


async def _lapse_job(settings, on: date, clock=None) -> dict[str, int]:
    """Through the real queue: enqueue the daily job, let an arq worker run it on the given day;
    returns what the job reports (a failed job raises here)."""
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        job = await arq.enqueue_job("lapse_overdue_exams")
        await run_jobs(settings, today=on, **({"clock": clock} if clock else {}))
        return await job.result(timeout=5)
    finally:
        await arq.aclose()


async def _waiting_for_exam(client, db, who, applicant_id=None) -> tuple[int, int]:
    """A taxi-driver case past its background checks, waiting for the exam: (application, task)."""
    app_id = await submitted(db, applicant_id or who["applicant_id"], EXAM, form=FORM, promised_days=3)
    return app_id, (await through_to_exam(client, db, who, app_id))["id"]


async def _result(client, who, task_id, taken_on, **scores):
    return await client.post(f"{TASKS}/{task_id}/exam-result", json={"takenOn": taken_on, **scores},
                             headers=who["lead"]["headers"])


async def _state(db, app_id):
    return await db.fetchrow(
        "SELECT a.status AS app, c.status AS exam, c.lapsed_at, "
        "(SELECT count(*) FROM notifications n WHERE n.event = 'exam_lapsed' AND n.subject_id = a.id) AS told "
        "FROM applications a JOIN exam_cases c ON c.application_id = a.id WHERE a.id = $1", app_id)


async def test_a_case_not_passed_within_a_year_of_its_first_exam_lapses_the_day_after_the_anniversary(
        client, db, settings):
    who = await people(client, db)
    app_id, task_id = await _waiting_for_exam(client, db, who)
    res = await _result(client, who, task_id, FIRST_EXAM, national=95, regional=80)
    assert res.status_code == 200 and res.json()["status"] == "waiting", res.text

    # on the anniversary itself the year is not over: nothing changes, nobody is told
    await _lapse_job(settings, YEAR_END)
    before = await _state(db, app_id)
    assert (before["app"], before["exam"], before["told"]) == ("in_review", "waiting", 0)
    assert (await task_of(db, app_id))["status"] == "waiting_exam"
    # a retake taken after the year cannot complete this case
    late = await _result(client, who, task_id, LAPSE_DAY.isoformat(), regional=95)
    assert late.status_code == 409 and late.json()["code"] == "exam_year_over", late.text
    assert await db.fetchval("SELECT count(*) FROM exam_results WHERE application_id = $1", app_id) == 2

    await _lapse_job(settings, LAPSE_DAY)
    after = await _state(db, app_id)
    assert (after["app"], after["exam"]) == ("closed", "lapsed") and after["lapsed_at"] is not None
    task = await db.fetchrow("SELECT * FROM approval_tasks WHERE id = $1", task_id)
    assert (task["status"], task["assignee_id"], task["decision"]) == ("cancelled", None, None)
    assert task["closed_at"] is not None
    assert await db.fetchval("SELECT count(*) FROM approval_decisions WHERE task_id = $1", task_id) == 0
    last = await db.fetchrow("SELECT * FROM application_events WHERE application_id = $1 ORDER BY id DESC LIMIT 1",
                             app_id)
    assert (last["from_status"], last["to_status"], last["note"], last["actor_id"]) == \
        ("in_review", "closed", LAPSE_NOTE, None)
    assert last["data"]["examYearEnd"] == YEAR_END.isoformat()
    # told once, by SMS (its own template) and in the app, saying to apply again
    told = await db.fetch("SELECT channel, params FROM notifications WHERE event = 'exam_lapsed'")
    assert {r["channel"] for r in told} >= {"inapp", "sms"} and len(told) == len({r["channel"] for r in told})
    assert told[0]["params"]["examYearEnd"] == YEAR_END.isoformat()
    # the case cannot be worked on any more
    again = await _result(client, who, task_id, "2026-06-01", regional=95)
    assert again.status_code == 409 and again.json()["code"] == "no_exam_pending"

    # the applicant's detail and the approver's task say so plainly
    mine = (await client.get(f"{API}/applications/{app_id}", headers=who["applicant"]["headers"])).json()
    assert (mine["status"], mine["statusLabel"]) == ("closed", "已终止")
    assert mine["timeline"][-1]["note"] == LAPSE_NOTE and mine["licences"] == []
    inapp = await client.get(f"{API}/me/notifications", headers=who["applicant"]["headers"])
    assert any("重新提交申请" in n["text"] for n in inapp.json()["items"] if n["event"] == "exam_lapsed"), inapp.text
    seen = await client.get(f"{TASKS}/{task_id}", headers=who["lead"]["headers"])
    assert seen.status_code == 200, seen.text
    detail = seen.json()
    assert detail["applicationStatus"] == "closed" and detail["task"]["status"] == "cancelled"
    assert detail["exam"]["status"] == "lapsed" and detail["exam"]["lapsedAt"]
    assert detail["timeline"][-1]["note"] == LAPSE_NOTE
    queue = (await client.get(TASKS, headers=who["lead"]["headers"])).json()["items"]
    assert task_id not in [t["id"] for t in queue]


async def test_the_job_run_twice_ends_the_case_and_tells_the_applicant_once(client, db, settings):
    who = await people(client, db)
    app_id, task_id = await _waiting_for_exam(client, db, who)
    assert (await _result(client, who, task_id, FIRST_EXAM, national=60, regional=70)).status_code == 200
    assert (await _lapse_job(settings, LAPSE_DAY))["lapsed"] == 1
    assert (await _lapse_job(settings, LAPSE_DAY))["lapsed"] == 0
    assert (await _lapse_job(settings, date(2026, 7, 1)))["lapsed"] == 0
    rows = await db.fetch("SELECT channel, dedupe_key FROM notifications WHERE event = 'exam_lapsed'")
    assert len(rows) == len({r["channel"] for r in rows}) >= 2 and len({r["dedupe_key"] for r in rows}) == 1
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE application_id = $1 "
                             "AND to_status = 'closed' AND kind = 'status'", app_id) == 1
    assert (await _state(db, app_id))["exam"] == "lapsed"


async def test_cases_that_passed_or_are_within_their_year_are_untouched(client, db, settings):
    who = await people(client, db)
    passed_id, passed_task = await _waiting_for_exam(client, db, who)
    res = await _result(client, who, passed_task, FIRST_EXAM, national=95, regional=92)
    assert res.status_code == 200 and res.json()["status"] == "passed"
    other = await applicant(client, "li")
    young_id, young_task = await _waiting_for_exam(client, db, who, applicant_id=other["user"]["id"])
    # failed on the day before the first case's anniversary: its own year runs to 1 June 2027
    assert (await _result(client, who, young_task, "2026-06-01", national=95, regional=10)).status_code == 200
    untried_id, _ = await _waiting_for_exam(client, db, who, applicant_id=(await applicant(client, "zhao"))["user"]["id"])

    assert await _lapse_job(settings, date(2026, 12, 1)) == {"lapsed": 0, "retakesCancelled": 0}
    passed = await _state(db, passed_id)
    assert (passed["app"], passed["exam"], passed["told"]) == ("approved", "passed", 0)
    young = await _state(db, young_id)
    assert (young["app"], young["exam"], young["told"]) == ("in_review", "waiting", 0)
    untried = await _state(db, untried_id)  # no exam taken yet: no year has started
    assert (untried["app"], untried["exam"], untried["told"]) == ("in_review", "waiting", 0)
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'exam_lapsed'") == 0


async def test_a_retake_booked_after_the_anniversary_is_cancelled_and_its_seat_goes_back(client, db, settings):
    clock = use_clock(client, "2026-06-01 10:00")
    who = await people(client, db)
    app_id, task_id = await _waiting_for_exam(client, db, who)
    assert (await _result(client, who, task_id, FIRST_EXAM, national=95, regional=80)).status_code == 200
    boss, slot = await open_slot(client, db, site=EXAM_CENTRE, service=EXAM, start="2026-06-08 09:00", capacity=1)
    retake = await book(client, who["applicant"], slot["id"])
    assert retake.status_code == 201, retake.text
    [someone] = await bookers(client, db, 1, "next")
    assert (await book(client, someone, slot["id"])).status_code == 409  # full

    await _lapse_job(settings, YEAR_END, clock)
    assert await db.fetchval("SELECT status FROM appointments WHERE id = $1", retake.json()["id"]) == "booked"

    clock.set(clock.now.replace(day=3))
    await _lapse_job(settings, LAPSE_DAY, clock)
    appt = await db.fetchrow("SELECT status, cancelled_at FROM appointments WHERE id = $1", retake.json()["id"])
    assert appt["status"] == "cancelled" and appt["cancelled_at"] == clock.now
    assert await db.fetchval("SELECT seats_taken FROM appt_slots WHERE id = $1", slot["id"]) == 0
    told = await db.fetch("SELECT params FROM notifications WHERE event = 'appointment_cancelled' "
                          "AND subject_id = $1 AND channel = 'inapp'", retake.json()["id"])
    assert len(told) == 1 and "1年内未通过全部科目" in told[0]["params"]["reason"]
    data = await db.fetchval("SELECT data FROM application_events WHERE application_id = $1 AND to_status = 'closed'",
                             app_id)
    assert data["cancelledAppointments"] == [retake.json()["id"]]
    assert await db.fetchval("SELECT count(*) FROM appt_exam_invitations WHERE user_id = $1 AND status = 'open'",
                             who["applicant_id"]) == 0
    # once the freed seat has cooled, someone else takes it
    clock.advance(minutes=11)
    assert (await book(client, someone, slot["id"])).status_code == 201


async def test_after_the_lapse_the_applicant_applies_again_and_books_the_new_cases_exam(client, db, settings):
    clock = use_clock(client, "2026-06-01 10:00")
    who = await people(client, db)
    old_id, task_id = await _waiting_for_exam(client, db, who)
    assert (await _result(client, who, task_id, FIRST_EXAM, national=95, regional=80)).status_code == 200
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=EXAM_CENTRE, service=EXAM, day_from="2026-06-08")
    old_retake = await book(client, who["applicant"], (await slot_at(client, boss["headers"], EXAM,
                                                                      "2026-06-08 09:00"))["id"])
    assert old_retake.status_code == 201, old_retake.text
    clock.set(clock.now.replace(day=3))
    await _lapse_job(settings, LAPSE_DAY, clock)
    assert (await _state(db, old_id))["app"] == "closed"

    me = who["applicant"]["headers"]
    created = await client.post(f"{API}/applications", headers=me,
                                json={"serviceCode": EXAM, "answers": {"household": "local"}, "form": FORM})
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    for code in ("photo", "id_card", "driving_licence"):
        up = await client.put(f"{API}/applications/{new_id}/materials/{code}", headers=me,
                              files={"file": ("f.jpg", JPG, "application/octet-stream")})
        assert up.status_code == 200, up.text
    sent = await client.post(f"{API}/applications/{new_id}/submit", headers=me)
    assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.text
    await through_to_exam(client, db, who, new_id)
    assert await db.fetchval("SELECT status FROM exam_cases WHERE application_id = $1", new_id) == "waiting"
    assert await db.fetchval("SELECT count(*) FROM appt_exam_invitations WHERE user_id = $1 AND status = 'open' "
                             "AND application_id = $2", who["applicant_id"], new_id) == 1
    # the new case's exam is booked like any first exam (the old case's retake holds nothing)
    new_exam = await book(client, who["applicant"], (await slot_at(client, boss["headers"], EXAM,
                                                                    "2026-06-08 14:00"))["id"])
    assert new_exam.status_code == 201, new_exam.text
