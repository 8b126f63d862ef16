"""F013: a holder of the cruising-taxi qualification applying for the ride-hailing driver certificate
takes only the regional subject; everyone else takes both (F005), retakes only what failed (F123)."""

from __future__ import annotations

from api.applications import service as applications
from api.db import discard_after_commit
from tests.applications.helpers import draft
from tests.approvals.helpers import EXAM_FORM, people, through_to_exam

TASKS = "/api/v1/tasks"
FORM = EXAM_FORM


async def _waiting_exam(client, db, who, taxi_qualified: str) -> tuple[int, str]:
    app = await draft(db, who["applicant_id"], "ride-hailing-driver-cert", form=FORM, promised_days=3,
                      answers={"household": "local", "taxiQualified": taxi_qualified})
    async with db.transaction():
        await applications.transition(db, app["id"], "submitted", actor_id=who["applicant_id"])
    discard_after_commit(db)
    task = await through_to_exam(client, db, who, app["id"])
    return app["id"], f"{TASKS}/{task['id']}/exam-result"


async def test_a_cruising_taxi_driver_passes_with_the_regional_subject_alone(client, db):
    who = await people(client, db)
    app_id, url = await _waiting_exam(client, db, who, "yes")
    lead = who["lead"]["headers"]

    # a national score for someone who does not take it is refused, and nothing is written
    res = await client.post(url, json={"takenOn": "2026-01-05", "national": 95, "regional": 80}, headers=lead)
    assert res.status_code == 422 and res.json()["code"] == "exam_subject_not_required"
    assert await db.fetchval("SELECT count(*) FROM exam_results WHERE application_id = $1", app_id) == 0
    assert await db.fetchval("SELECT attempts FROM exam_cases WHERE application_id = $1", app_id) == 0

    # a regional fail: told that the regional subject failed, invited to a retake, still waiting
    res = await client.post(url, json={"takenOn": "2026-01-05", "regional": 80}, headers=lead)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "waiting"
    fail = await db.fetchval("SELECT params FROM notifications WHERE event = 'exam_result' AND channel = 'inapp'")
    assert fail["result"] == "不合格" and fail["reason"].startswith("区域科目未合格") and "全国公共科目" not in fail["reason"]

    # the regional pass alone issues the certificate (F013 "只需参加网约车区域科目考试，合格后即可发证")
    res = await client.post(url, json={"takenOn": "2026-01-20", "regional": 92}, headers=lead)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "passed" and res.json()["licenceIds"]
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "approved"
    assert await db.fetchval("SELECT type FROM licences WHERE application_id = $1", app_id) == "ridehail_driver_qualification"
    assert [r["subject"] for r in await db.fetch("SELECT subject FROM exam_results WHERE application_id = $1 "
                                                 "ORDER BY id", app_id)] == ["regional", "regional"]


async def test_without_the_cruising_qualification_both_subjects_are_still_required(client, db):
    who = await people(client, db)
    app_id, url = await _waiting_exam(client, db, who, "no")
    res = await client.post(url, json={"takenOn": "2026-01-05", "regional": 95}, headers=who["lead"]["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "waiting"
    told = await db.fetchval("SELECT params FROM notifications WHERE event = 'exam_result' AND channel = 'inapp'")
    assert told["reason"].startswith("全国公共科目未合格")
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "in_review"
    assert await db.fetchval("SELECT count(*) FROM licences WHERE application_id = $1", app_id) == 0
