"""好差评 through the HTTP API and the job queue, checked in the database."""

from __future__ import annotations

from typing import Any

from arq import create_pool

from jobs import redis_settings
from tests.factories import applicant, run_jobs, staff
from tests.ratings.helpers import finished_application
from tests.clock import sh, use_clock

API = "/api/v1"


async def _rate(client: Any, who: dict, app_id: int, level: int, **more: Any) -> Any:
    return await client.post(f"{API}/ratings", headers=who["headers"],
                             json={"targetType": "application", "targetId": app_id, "level": level, **more})


async def _admin(client: Any, db: Any) -> dict:
    return await staff(client, db, phone="13900009001", roles=["admin", "lead"], name="管理员")


async def _queue(settings: Any, job: str) -> None:
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    try:
        await arq.enqueue_job(job)
    finally:
        await arq.aclose()


async def test_a_finished_application_is_rated_once_and_a_second_rating_is_refused(client, db):
    use_clock(client, "2026-03-02 11:00")
    zhang = await applicant(client, "zhang")
    app_id = await finished_application(db, zhang["user"]["id"])

    res = await _rate(client, zhang, app_id, 5, tags=["办事快", "态度好"], comment="很方便")
    assert res.status_code == 201, res.text
    body = res.json()
    assert (body["level"], body["levelLabel"], body["isBad"], body["followUp"]) == (5, "非常满意", False, None)
    assert body["serviceCode"] == "freight-operating-permit"

    second = await _rate(client, zhang, app_id, 1)
    assert second.status_code == 409
    assert second.json()["code"] == "already_rated"
    row = await db.fetchrow("SELECT count(*) AS n, min(level) AS level FROM ratings WHERE target_id = $1", app_id)
    assert (row["n"], row["level"]) == (1, 5)  # F142: cannot be changed after submission


async def test_only_finished_services_of_ones_own_can_be_rated(client, db):
    use_clock(client, "2026-03-02 11:00")
    zhang = await applicant(client, "zhang")
    li = await applicant(client, "li")
    pending = await finished_application(db, zhang["user"]["id"], status="accepted")
    done = await finished_application(db, zhang["user"]["id"])

    res = await _rate(client, zhang, pending, 4)
    assert (res.status_code, res.json()["code"]) == (409, "target_not_finished")
    res = await _rate(client, li, done, 1)
    assert (res.status_code, res.json()["code"]) == (404, "rating_target_not_found")
    res = await _rate(client, zhang, done, 6)
    assert (res.status_code, res.json()["code"]) == (400, "validation_failed")
    res = await client.post(f"{API}/ratings", headers=zhang["headers"],
                            json={"targetType": "licence", "targetId": done, "level": 3})
    assert res.status_code == 400
    assert await db.fetchval("SELECT count(*) FROM ratings") == 0


async def test_a_comment_can_be_appended_within_7_days_and_not_after(client, db):
    clock = use_clock(client, "2026-03-02 11:00")
    zhang = await applicant(client, "zhang")
    app_id = await finished_application(db, zhang["user"]["id"])
    rating = (await _rate(client, zhang, app_id, 3)).json()

    clock.advance(days=6, hours=23)
    res = await client.post(f"{API}/ratings/{rating['id']}/comments", headers=zhang["headers"],
                            json={"text": "补充：取证也很快"})
    assert res.status_code == 201, res.text
    assert [c["text"] for c in res.json()["comments"]] == ["补充：取证也很快"]
    assert res.json()["level"] == 3

    clock.advance(hours=2)  # now past 7 days from the rating
    res = await client.post(f"{API}/ratings/{rating['id']}/comments", headers=zhang["headers"], json={"text": "再补充"})
    assert (res.status_code, res.json().get("code")) == (409, "comment_window_closed"), res.text
    li = await applicant(client, "li")
    res = await client.post(f"{API}/ratings/{rating['id']}/comments", headers=li["headers"], json={"text": "冒充"})
    assert res.status_code == 404
    assert await db.fetchval("SELECT count(*) FROM rating_comments") == 1


async def test_a_bad_review_opens_a_follow_up_due_in_working_days(client, db):
    # Friday 2026-03-06: call back by Monday the 9th (1 working day), rectify by Friday the 13th (5)
    use_clock(client, "2026-03-06 16:00")
    zhang = await applicant(client, "zhang")
    app_id = await finished_application(db, zhang["user"]["id"], submitted="2026-03-06 09:00",
                                        decided="2026-03-06 10:00")
    res = await _rate(client, zhang, app_id, 2, comment="等了很久")
    assert res.status_code == 201, res.text
    follow_up = res.json()["followUp"]
    assert (follow_up["status"], follow_up["callbackDueOn"], follow_up["rectifyDueOn"]) == \
        ("open", "2026-03-09", "2026-03-13")
    events = await db.fetch("SELECT kind FROM rating_follow_up_events WHERE rating_id = $1", res.json()["id"])
    assert [e["kind"] for e in events] == ["opened"]


async def test_call_back_then_outcome_is_audited_and_told_to_the_citizen(client, db):
    clock = use_clock(client, "2026-03-02 11:00")
    zhang = await applicant(client, "zhang")
    await db.execute("UPDATE users SET name = '张三丰', phone = '13812345678' WHERE id = $1", zhang["user"]["id"])
    admin = await _admin(client, db)
    app_id = await finished_application(db, zhang["user"]["id"])
    rating = (await _rate(client, zhang, app_id, 1, comment="窗口态度差")).json()

    listed = await client.get(f"{API}/admin/ratings", params={"bad": "true"}, headers=admin["headers"])
    assert listed.status_code == 200
    [item] = listed.json()
    assert (item["id"], item["raterName"], item["raterPhone"]) == (rating["id"], "张**", "138****5678")

    early = await client.post(f"{API}/admin/ratings/{rating['id']}/follow-up", headers=admin["headers"],
                              json={"note": "已整改", "outcome": "rectified"})
    assert (early.status_code, early.json()["code"]) == (409, "call_back_required")

    clock.advance(hours=3)
    res = await client.post(f"{API}/admin/ratings/{rating['id']}/call-back", headers=admin["headers"],
                            json={"note": "已电话联系申请人，核实属实"})
    assert res.status_code == 200, res.text
    assert res.json()["followUp"]["status"] == "called_back"
    again = await client.post(f"{API}/admin/ratings/{rating['id']}/call-back", headers=admin["headers"],
                              json={"note": "重复登记"})
    assert (again.status_code, again.json()["code"]) == (409, "already_called_back")

    clock.advance(days=2)
    res = await client.post(f"{API}/admin/ratings/{rating['id']}/follow-up", headers=admin["headers"],
                            json={"note": "已对窗口人员批评教育并调整排班", "outcome": "rectified"})
    assert res.status_code == 200, res.text
    detail = res.json()
    assert detail["followUp"]["status"] == "closed" and detail["followUp"]["outcome"] == "rectified"
    assert [e["kind"] for e in detail["events"]] == ["opened", "called_back", "closed"]
    assert detail["events"][2]["actorId"] == admin["user"]["id"]

    mine = (await client.get(f"{API}/ratings", headers=zhang["headers"])).json()
    assert mine[0]["followUp"]["outcomeLabel"] == "已整改"
    assert mine[0]["followUp"]["rectificationNote"] == "已对窗口人员批评教育并调整排班"
    told = await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'rating_follow_up' AND user_id = $1",
                             zhang["user"]["id"])
    assert told >= 1
    # the audit trail cannot be rewritten
    refused = None
    try:
        await db.execute("DELETE FROM rating_follow_up_events WHERE rating_id = $1", rating["id"])
    except Exception as exc:  # asyncpg raises the trigger's error
        refused = exc
    assert refused is not None


async def test_a_follow_up_past_its_deadline_shows_as_overdue_and_is_escalated_once(client, db, settings):
    clock = use_clock(client, "2026-03-06 16:00")  # Friday: call back due Monday the 9th
    zhang = await applicant(client, "zhang")
    admin = await _admin(client, db)
    app_id = await finished_application(db, zhang["user"]["id"], submitted="2026-03-06 09:00",
                                        decided="2026-03-06 10:00")
    rating = (await _rate(client, zhang, app_id, 2)).json()

    clock.now = sh("2026-03-09 17:00")  # the last day: not yet overdue
    res = await client.get(f"{API}/admin/ratings", params={"overdue": "true"}, headers=admin["headers"])
    assert res.json() == []

    clock.now = sh("2026-03-10 09:00")
    res = await client.get(f"{API}/admin/ratings", params={"overdue": "true"}, headers=admin["headers"])
    assert [r["id"] for r in res.json()] == [rating["id"]]
    assert res.json()[0]["followUp"]["overdue"] is True

    for _ in range(2):
        await _queue(settings, "escalate_overdue_follow_ups")
        await run_jobs(settings, clock=clock)
    escalations = await db.fetch("SELECT note FROM rating_follow_up_events WHERE rating_id = $1 AND kind = 'escalated'",
                                 rating["id"])
    assert [e["note"] for e in escalations] == ["差评回访已超期"]
    stamped = await db.fetchval("SELECT callback_escalated_at FROM rating_follow_ups WHERE rating_id = $1", rating["id"])
    assert stamped == sh("2026-03-10 09:00")  # the job's clock, not the database's
    told = await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'task_overdue' AND user_id = $1 "
                             "AND channel = 'inapp'", admin["user"]["id"])
    assert told == 1


async def test_an_admin_voids_a_malicious_rating_with_a_reason(client, db):
    use_clock(client, "2026-03-02 11:00")
    zhang = await applicant(client, "zhang")
    admin = await _admin(client, db)
    lead = await staff(client, db, phone="13900009002", roles=["lead"], name="科长")
    app_id = await finished_application(db, zhang["user"]["id"])
    rating = (await _rate(client, zhang, app_id, 1)).json()

    res = await client.post(f"{API}/admin/ratings/{rating['id']}/void", headers=lead["headers"],
                            json={"reason": "误评"})
    assert res.status_code == 403
    res = await client.post(f"{API}/admin/ratings/{rating['id']}/void", headers=admin["headers"], json={"reason": ""})
    assert res.status_code == 400
    res = await client.post(f"{API}/admin/ratings/{rating['id']}/void", headers=admin["headers"],
                            json={"reason": "申请人来电说明点错了等级"})
    assert res.status_code == 200, res.text
    assert res.json()["voidReason"] == "申请人来电说明点错了等级"
    assert res.json()["followUp"]["status"] == "voided"
    assert (await client.get(f"{API}/admin/ratings", params={"bad": "true"}, headers=admin["headers"])).json() == []

    again = await _rate(client, zhang, app_id, 4)  # a voided rating no longer counts: rate again
    assert again.status_code == 201, again.text
    applicant_denied = await client.get(f"{API}/admin/ratings", headers=zhang["headers"])
    assert applicant_denied.status_code == 403


async def test_an_invitation_to_rate_goes_out_once_when_a_service_finishes(client, db, settings):
    clock = use_clock(client, "2026-03-02 12:00")
    zhang = await applicant(client, "zhang")
    done = await finished_application(db, zhang["user"]["id"], decided="2026-03-02 10:00")
    await finished_application(db, zhang["user"]["id"], status="accepted")

    for _ in range(2):
        await _queue(settings, "send_rating_invitations")
        await run_jobs(settings, clock=clock)
    sent = await db.fetch("SELECT subject_type, subject_id, params FROM notifications "
                          "WHERE event = 'rating_invitation' AND channel = 'inapp'")
    assert [(r["subject_type"], r["subject_id"]) for r in sent] == [("application", done)]
    assert sent[0]["params"]["serviceName"] == "道路普通货物运输经营许可"
