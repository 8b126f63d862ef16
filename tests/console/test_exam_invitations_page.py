"""Issue 26: the approver's exam invitations page: cases of their step waiting for the exam, who,
which service, since when invited, and booked or not (the queue's step rules apply)."""

from __future__ import annotations

import re
from datetime import timedelta

from api.clock import today
from tests.appointments.helpers import admin, generate
from tests.approvals.helpers import EXAM_FORM, people, submitted, through_to_exam
from tests.console.helpers import post, sign_in

LEAD, ACCEPT = "13900001004", "13900001001"


async def test_the_invitations_of_the_approvers_step_booked_or_not(client, db):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"], "taxi-driver-cert", form=EXAM_FORM, promised_days=3)
    task = await through_to_exam(client, db, who, app_id)
    public_no = await db.fetchval("SELECT public_no FROM applications WHERE id = $1", app_id)
    invited = await db.fetchval("SELECT count(*) FROM appt_exam_invitations WHERE application_id = $1", app_id)
    assert invited == 1
    boss = await admin(client, db)
    await generate(client, boss["headers"], site="transport-school-exam-centre", service="taxi-driver-cert",
                   day_from=(today() + timedelta(days=1)).isoformat(), day_to=(today() + timedelta(days=14)).isoformat(),
                   release_at=f"{today() - timedelta(days=1)} 09:00")

    await sign_in(client, ACCEPT)  # the accept step: the case is not theirs now
    other = await client.get("/console/exams")
    assert other.status_code == 200 and public_no not in other.text and "暂无等待考试的办件" in other.text

    client.cookies.clear()
    await sign_in(client, LEAD)
    page = await client.get("/console/exams")
    assert page.status_code == 200 and "王小明" not in page.text  # masked as in the queue
    card = page.text.split(public_no, 1)[0].rsplit("<section", 1)[1] + page.text.split(public_no, 1)[1].split("</section>", 1)[0]
    assert "未预约" in card and "邀请时间" in card and f"/console/tasks/{task['id']}" in card

    detail = await client.get(f"/console/tasks/{task['id']}")
    slot = int(re.search(r'name="slot_id">\s*<option value="(\d+)"', detail.text).group(1))
    assert (await post(client, f"/console/tasks/{task['id']}/exam-slot", {"slot_id": str(slot)})).status_code == 200
    code = await db.fetchval("SELECT code FROM appointments WHERE application_id = $1 AND kind = 'exam'", app_id)
    text = (await client.get("/console/exams")).text
    card = text.split(public_no, 1)[0].rsplit("<section", 1)[1] + text.split(public_no, 1)[1].split("</section>", 1)[0]
    assert "已预约" in card and code in card and "未预约" not in card
