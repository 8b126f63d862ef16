"""投诉建议 through the HTTP API: filing, privacy, the admin queue, answers and ratings."""

from __future__ import annotations

import re
from datetime import date

from api.workdays import add_workdays
from tests.complaints.helpers import API, citizen, file, handler
from tests.samples import PNG
from tests.clock import use_clock


async def test_a_complaint_gets_a_public_number_an_acknowledgement_and_a_five_working_day_deadline(client, db):
    use_clock(client, "2026-09-29 10:00")  # a Tuesday before the National Day holiday
    zhang = await citizen(client, "zhang")
    body = await file(client, zhang, text="国庆前在一号窗口办理业务，被要求重复提交材料。")
    assert re.fullmatch(r"TS-20260929-\d{6}", body["publicNo"])
    assert body["status"] == "received"
    # F144: 5 working days, counted from the next day, skipping the holiday week
    assert body["dueOn"] == add_workdays(date(2026, 9, 29), 5).isoformat() == "2026-10-12"
    assert [e["kind"] for e in body["timeline"]] == ["received"]
    sent = await db.fetch("SELECT event, channel FROM notifications WHERE user_id = $1", zhang["user"]["id"])
    assert ("complaint_received", "inapp") in [(r["event"], r["channel"]) for r in sent]
    listed = (await client.get(f"{API}/complaints", headers=zhang["headers"])).json()
    assert [c["publicNo"] for c in listed] == [body["publicNo"]]


async def test_the_same_idempotency_key_files_one_complaint(client, db):
    zhang = await citizen(client, "zhang")
    headers = {**zhang["headers"], "Idempotency-Key": "complaint-1"}
    payload = {"category": "suggestion", "targetType": "app", "text": "希望小程序增加夜间模式。"}
    first = await client.post(f"{API}/complaints", json=payload, headers=headers)
    again = await client.post(f"{API}/complaints", json=payload, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert await db.fetchval("SELECT count(*) FROM complaints") == 1


async def test_another_applicant_gets_404_for_someone_elses_complaint(client):
    zhang, li = await citizen(client, "zhang"), await citizen(client, "li")
    body = await file(client, zhang)
    res = await client.get(f"{API}/complaints/{body['id']}", headers=li["headers"])
    assert res.status_code == 404 and res.json()["code"] == "complaint_not_found"
    res = await client.post(f"{API}/complaints/{body['id']}/rating", json={"level": 1}, headers=li["headers"])
    assert res.status_code == 404
    assert (await client.get(f"{API}/complaints", headers=li["headers"])).json() == []


async def test_a_complaint_about_a_case_must_name_one_of_ones_own_cases(client, db):
    zhang, li = await citizen(client, "zhang"), await citizen(client, "li")
    case = await db.fetchval("INSERT INTO applications (applicant_id, service_code) VALUES ($1, 'freight-operating-permit')"
                             " RETURNING id", zhang["user"]["id"])
    res = await client.post(f"{API}/complaints", headers=li["headers"],
                            json={"category": "complaint", "targetType": "application", "targetId": case,
                                  "text": "办件超过承诺时限仍未办结。"})
    assert res.status_code == 422 and res.json()["code"] == "complaint_target_not_found"
    mine = await file(client, zhang, targetType="application", targetId=case, text="办件超过承诺时限仍未办结。")
    assert mine["targetId"] == case
    assert await db.fetchval("SELECT count(*) FROM complaints") == 1


async def test_bad_input_is_refused_with_a_clear_problem_and_nothing_is_written(client, db):
    zhang = await citizen(client, "zhang")
    for payload in [
        {"category": "complaint", "targetType": "window"},                                   # no text
        {"category": "complaint", "targetType": "window", "text": "短"},                     # too short
        {"category": "complaint", "targetType": "application", "text": "没有选择办件的投诉"},  # case missing
        {"category": "complaint", "targetType": "app", "targetId": 3, "text": "小程序经常闪退。"},
        {"category": "praise", "targetType": "app", "text": "小程序很好用，点赞。"},
        {"category": "complaint", "targetType": "app", "text": "小程序经常闪退。", "phone": "13800138000"},
        {"category": "complaint", "targetType": "app", "text": "小程序经常闪退。", "attachments": [1, 1]},
    ]:
        res = await client.post(f"{API}/complaints", json=payload, headers=zhang["headers"])
        assert res.status_code == 400, (payload, res.text)
        assert res.json()["code"] == "validation_failed"
    assert await db.fetchval("SELECT count(*) FROM complaints") == 0
    res = await client.post(f"{API}/complaints", json={"category": "complaint", "targetType": "app",
                                                       "text": "小程序经常闪退。"})
    assert res.status_code == 401


async def test_pictures_are_uploaded_then_attached_once_and_only_by_their_owner(client, db):
    zhang, li = await citizen(client, "zhang"), await citizen(client, "li")
    up = await client.post(f"{API}/complaints/attachments", files={"file": ("scene.png", PNG, "image/png")},
                           headers=zhang["headers"])
    assert up.status_code == 201, up.text
    assert up.json()["contentType"] == "image/png" and up.json()["sizeBytes"] == len(PNG)
    fake = await client.post(f"{API}/complaints/attachments", files={"file": ("x.png", b"MZ\x90\x00exe", "image/png")},
                             headers=zhang["headers"])
    assert fake.status_code == 422 and fake.json()["code"] == "complaint_attachment_type"
    stolen = await client.post(f"{API}/complaints", headers=li["headers"],
                               json={"category": "complaint", "targetType": "window", "text": "冒用别人上传的图片。",
                                     "attachments": [up.json()["id"]]})
    assert stolen.status_code == 422 and stolen.json()["code"] == "complaint_attachment_invalid"
    assert await db.fetchval("SELECT count(*) FROM complaints") == 0  # nothing half-written
    body = await file(client, zhang, attachments=[up.json()["id"]])
    assert [a["id"] for a in body["attachments"]] == [up.json()["id"]]
    again = await client.post(f"{API}/complaints", headers=zhang["headers"],
                              json={"category": "complaint", "targetType": "window", "text": "同一张图片再用一次。",
                                    "attachments": [up.json()["id"]]})
    assert again.status_code == 422
    got = await client.get(f"{API}/complaints/{body['id']}/attachments/{up.json()['id']}", headers=zhang["headers"])
    assert got.status_code == 200 and got.content == PNG
    other = await client.get(f"{API}/complaints/{body['id']}/attachments/{up.json()['id']}", headers=li["headers"])
    assert other.status_code == 404


async def test_the_bureau_assigns_answers_and_closes_and_the_applicant_is_told_and_rates(client, db):
    clock = use_clock(client, "2026-06-08 09:00")
    zhang = await citizen(client, "zhang")
    await db.execute("UPDATE users SET name = '张三丰', phone = '13812345678' WHERE id = $1", zhang["user"]["id"])
    admin = await handler(client, db)
    officer = await handler(client, db, phone="13900001002", roles=["lead"], name="督办 周")
    body = await file(client, zhang)

    assert (await client.get(f"{API}/admin/complaints", headers=zhang["headers"])).status_code == 403
    queue = (await client.get(f"{API}/admin/complaints?status=received", headers=admin["headers"])).json()
    assert [c["id"] for c in queue] == [body["id"]]
    # F144: 投诉人信息严格保密 — handlers see the complainant masked
    assert queue[0]["complainant"] == "张**" and queue[0]["complainantPhone"] == "138****5678"
    assert "张三丰" not in str(queue) and "13812345678" not in str(queue)

    res = await client.post(f"{API}/admin/complaints/{body['id']}/assign", headers=admin["headers"],
                            json={"assigneeId": officer["user"]["id"], "note": "请周科长核实"})
    assert res.status_code == 200 and res.json()["status"] == "assigned"
    res = await client.post(f"{API}/complaints/{body['id']}/rating", json={"level": 5}, headers=zhang["headers"])
    assert res.status_code == 409  # nothing to rate before an answer

    clock.advance(days=2)
    res = await client.post(f"{API}/admin/complaints/{body['id']}/answer", headers=officer["headers"],
                            json={"text": "经核实，已对窗口人员批评教育，并优化了材料清单。"})
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "answered" and res.json()["answeredLate"] is False
    twice = await client.post(f"{API}/admin/complaints/{body['id']}/answer", headers=officer["headers"],
                              json={"text": "再答复一次。"})
    assert twice.status_code == 409 and twice.json()["code"] == "complaint_not_open"
    told = await db.fetch("SELECT channel FROM notifications WHERE user_id = $1 AND event = 'complaint_answered'",
                          zhang["user"]["id"])
    assert {r["channel"] for r in told} >= {"inapp", "sms"}

    mine = (await client.get(f"{API}/complaints/{body['id']}", headers=zhang["headers"])).json()
    assert mine["answer"].startswith("经核实") and mine["status"] == "answered"
    rated = await client.post(f"{API}/complaints/{body['id']}/rating", json={"level": 4, "comment": "处理及时"},
                              headers=zhang["headers"])
    assert rated.status_code == 200 and rated.json()["rating"] == 4
    again = await client.post(f"{API}/complaints/{body['id']}/rating", json={"level": 1}, headers=zhang["headers"])
    assert again.status_code == 409 and again.json()["code"] == "complaint_rating_refused"

    closed = await client.post(f"{API}/admin/complaints/{body['id']}/close", json={}, headers=admin["headers"])
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    detail = (await client.get(f"{API}/admin/complaints/{body['id']}", headers=admin["headers"])).json()
    assert [e["kind"] for e in detail["timeline"]] == ["received", "assigned", "answered", "rated", "closed"]
    assert detail["timeline"][1]["actorId"] == admin["user"]["id"]
    assert await db.fetchval("SELECT rating FROM complaints WHERE id = $1", body["id"]) == 4


async def test_a_complaint_about_a_staff_member_is_never_assigned_to_them(client, db):
    zhang = await citizen(client, "zhang")
    admin = await handler(client, db)
    accused = await handler(client, db, phone="13900001003", roles=["lead"], name="被投诉人")
    body = await file(client, zhang, targetType="staff", targetId=accused["user"]["id"], text="审批人员吃拿卡要。")
    res = await client.post(f"{API}/admin/complaints/{body['id']}/assign", headers=admin["headers"],
                            json={"assigneeId": accused["user"]["id"]})
    assert res.status_code == 422 and res.json()["code"] == "complaint_assignee_invalid"
    res = await client.post(f"{API}/admin/complaints/{body['id']}/assign", headers=admin["headers"],
                            json={"assigneeId": zhang["user"]["id"]})  # not staff
    assert res.status_code == 422
    assert await db.fetchval("SELECT assignee_id FROM complaints WHERE id = $1", body["id"]) is None
    res = await client.post(f"{API}/admin/complaints/{body['id']}/close", json={}, headers=admin["headers"])
    assert res.status_code == 409 and res.json()["code"] == "complaint_not_answered"


async def test_two_handlers_answering_at_once_give_one_answer(client, db):
    import asyncio

    zhang = await citizen(client, "zhang")
    first = await handler(client, db)
    second = await handler(client, db, phone="13900001009", roles=["lead"], name="另一位处理人")
    body = await file(client, zhang)
    results = await asyncio.gather(*[
        client.post(f"{API}/admin/complaints/{body['id']}/answer", headers=who["headers"], json={"text": text})
        for who, text in ((first, "答复甲：已整改。"), (second, "答复乙：已核实。"))])
    assert sorted(r.status_code for r in results) == [200, 409]
    assert await db.fetchval("SELECT count(*) FROM complaint_events WHERE kind = 'answered'") == 1
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'complaint_answered' "
                             "AND channel = 'inapp'") == 1


async def test_ids_beyond_bigint_are_a_400_not_a_server_error(client, db):
    zhang = await citizen(client, "zhang")
    admin = await handler(client, db)
    huge = 2**70
    assert (await client.get(f"{API}/complaints/{huge}", headers=zhang["headers"])).status_code == 400
    assert (await client.post(f"{API}/admin/complaints/1/assign", json={"assigneeId": huge},
                              headers=admin["headers"])).status_code == 400
    assert (await client.get(f"{API}/licences/{huge}/qr.png", headers=zhang["headers"])).status_code == 400
