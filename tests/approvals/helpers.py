"""Cases waiting for approvers, written through the applications area's own functions."""

from __future__ import annotations

from typing import Any

from api.applications import service as applications
from api.db import discard_after_commit
from tests.applications.helpers import draft
from tests.factories import applicant, staff

TASKS = "/api/v1/tasks"
DG_FORM = {"companyName": "温州安达危险品运输有限公司", "creditCode": "91330300MA2ABCDE1X", "legalPerson": "张三",
           "mobile": "13800138000", "vehicleCount": 5, "parkingAddress": "温州市龙湾区永强大道1号"}


async def submitted(db: Any, applicant_id: int, service_code: str = "dangerous-goods-permit", *,
                    form: dict[str, Any] | None = None, promised_days: int = 10, instant: bool = False) -> int:
    app = await draft(db, applicant_id, service_code, form=form if form is not None else DG_FORM,
                      promised_days=promised_days, instant=instant)
    async with db.transaction():
        await applications.transition(db, app["id"], "submitted", actor_id=applicant_id)
    discard_after_commit(db)  # the test reads the outbox rows; nothing needs queueing
    return app["id"]


async def people(client: Any, db: Any, **person: Any) -> dict[str, Any]:
    """An applicant (with a phone) and one approver per step, plus a lead of the decide step.
    ``person``: the applicant's verified identity (``person=``, ``id_number=`` of ``applicant``)."""
    who = {"applicant": await applicant(client, "wang", **person)}
    who["applicant_id"] = who["applicant"]["user"]["id"]
    await db.execute("UPDATE users SET phone = '13700001111', name = '王小明' WHERE id = $1", who["applicant_id"])
    who["accept"] = await staff(client, db, phone="13900001001", roles=["approver"], steps=["accept"])
    who["accept2"] = await staff(client, db, phone="13900001002", roles=["approver"], steps=["accept"])
    who["review"] = await staff(client, db, phone="13900001003", roles=["approver"], steps=["review"])
    who["lead"] = await staff(client, db, phone="13900001004", roles=["approver", "lead"], steps=["decide"])
    return who


async def task_of(db: Any, application_id: int) -> Any:
    return await db.fetchrow("SELECT * FROM approval_tasks WHERE application_id = $1 "
                             "AND status IN ('open', 'claimed', 'waiting_exam')", application_id)


async def decided_case(client: Any, db: Any) -> tuple[int, dict]:
    """A case approved at every step (accept, review, lead) through the task API: (its id, ``people``)."""
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await client.get(TASKS, headers=who["accept"]["headers"])
    for step in ("accept", "review", "lead"):
        task = await task_of(db, app_id)
        res = await client.post(f"{TASKS}/{task['id']}/decision", json={"decision": "approve"},
                                headers=who[step]["headers"])
        assert res.status_code == 200, res.text
    return app_id, who


# A driver-qualification applicant's form (taxi / ride-hailing certificates, which end in an exam).
EXAM_FORM = {"applicantName": "王小明", "idNumber": "110101199003074514", "mobile": "13700001111",
             "firstLicenceDate": "2015-05-01", "deliveryAddress": "温州市鹿城区人民路100号"}


async def through_to_exam(client: Any, db: Any, who: dict[str, Any], application_id: int) -> Any:
    """The accept and review approvers pass a submitted exam case: its decide task waits for the
    exam. Returns that task."""
    await client.get("/api/v1/tasks", headers=who["accept"]["headers"])  # the queue opens the task
    for step in ("accept", "review"):
        task = await task_of(db, application_id)
        res = await client.post(f"/api/v1/tasks/{task['id']}/decision", json={"decision": "approve"},
                                headers=who[step]["headers"])
        assert res.status_code == 200, res.text
    task = await task_of(db, application_id)
    assert task["step"] == "decide" and task["status"] == "waiting_exam"
    return task


REPAIR_FORM = {"companyName": "温州顺风汽车维修有限公司", "creditCode": "91330300MA2ABCDE1X", "legalPerson": "张三",
               "mobile": "13800138000", "siteAddress": "温州市鹿城区车站大道8号"}


async def approved_repair_filing(client: Any, db: Any, who: dict[str, Any], decider: dict[str, Any],
                                 category: str) -> int:
    """A repair filing of ``category`` (class1/2/3) submitted by ``who`` and approved by ``decider``
    through the task API (F071's on-site check follows a class-1/2 approval)."""
    app_id = await submitted(db, who["user"]["id"], "repair-filing", form=REPAIR_FORM, promised_days=1)
    await db.execute("UPDATE applications SET answers = $2 WHERE id = $1", app_id, {"category": category})
    await client.get("/api/v1/tasks", headers=decider["headers"])  # the queue opens the task
    task = await task_of(db, app_id)
    res = await client.post(f"/api/v1/tasks/{task['id']}/decision", json={"decision": "approve"},
                            headers=decider["headers"])
    assert res.status_code == 200 and res.json()["applicationStatus"] == "approved", res.text
    return app_id
