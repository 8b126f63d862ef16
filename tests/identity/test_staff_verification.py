"""Issue 19: verification at the window and staff review of uploaded documents (F090), through the API
and, for the review deadline, the job queue with a controllable clock."""

from __future__ import annotations

from arq import create_pool

from jobs import redis_settings
from tests.clock import Clock, sh, use_clock
from tests.factories import applicant, run_jobs, staff
from tests.samples import JPG, PDF, PNG

API = "/api/v1"
RESIDENT_ID = "11010519491231002X"
PASSPORT = "E12345678"


async def _approver(client, db, phone: str = "13900002001", name: str = "窗口人员"):
    return await staff(client, db, phone=phone, roles=["approver"], steps=["accept"], name=name)


async def _upload(client, person, *, id_type: str = "passport", number: str = PASSPORT, name: str = "SMITH JOHN",
                  photo: tuple[str, bytes, str] = ("passport.jpg", JPG, "image/jpeg")):
    return await client.post(f"{API}/me/identity/documents", headers=person["headers"], files={"file": photo},
                             data={"name": name, "idType": id_type, "idNumber": number})


async def _inbox(db, user_id: int, event: str) -> list[str]:
    return [r["content"] for r in await db.fetch(
        "SELECT content FROM notifications WHERE user_id = $1 AND event = $2 AND channel = 'inapp' ORDER BY id",
        user_id, event)]


async def test_window_verification_is_recorded_with_the_staff_member_and_the_time(client, db):
    use_clock(client, "2026-06-08 10:00")
    zhang = await applicant(client, "zhang", verified=False)
    await db.execute("UPDATE users SET phone = '13800001111' WHERE id = $1", zhang["user"]["id"])
    clerk = await _approver(client, db)

    res = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"phone": "13800001111", "name": "张三", "idType": "resident_id",
                                  "idNumber": RESIDENT_ID})
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["windowStaffId"] == clerk["user"]["id"]
    identity = body["identity"]
    assert identity["userId"] == zhang["user"]["id"] and identity["status"] == "verified"
    assert identity["method"] == "window" and identity["verifiedBy"] == clerk["user"]["id"]
    assert identity["verifiedAt"].startswith("2026-06-08T02:00:00")  # 10:00 Beijing
    assert identity["idNumberMasked"] == "110***********002X"
    row = await db.fetchrow("SELECT evidence, id_cipher FROM identities WHERE id = $1", identity["id"])
    assert row["evidence"] == {"windowStaffId": clerk["user"]["id"], "at": "2026-06-08T10:00:00+08:00"}
    assert RESIDENT_ID.encode() not in bytes(row["id_cipher"])  # encrypted at rest

    mine = (await client.get(f"{API}/me/identity", headers=zhang["headers"])).json()
    assert mine["verified"] is True and mine["identity"]["method"] == "window"


async def test_staff_cannot_window_verify_their_own_account(client, db):
    clerk = await _approver(client, db)
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"userId": clerk["user"]["id"], "name": "窗口人员", "idType": "resident_id",
                                  "idNumber": RESIDENT_ID})
    assert res.status_code == 403 and res.json()["code"] == "own_identity"
    # nor another account as the person they are verified as
    other = await _approver(client, db, phone="13900002002", name="同事")
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=other["headers"],
                            json={"userId": clerk["user"]["id"], "name": "窗口人员", "idType": "resident_id",
                                  "idNumber": RESIDENT_ID})
    assert res.status_code == 201, res.text
    li = await applicant(client, "li", verified=False)
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"userId": li["user"]["id"], "name": "窗口人员", "idType": "resident_id",
                                  "idNumber": RESIDENT_ID})
    assert res.status_code == 403 and res.json()["code"] == "own_identity"
    assert await db.fetchval("SELECT count(*) FROM identities WHERE user_id = $1", li["user"]["id"]) == 0


async def test_an_applicant_cannot_window_verify_anyone(client, db):
    zhang = await applicant(client, "zhang", verified=False)
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=zhang["headers"],
                            json={"userId": zhang["user"]["id"], "name": "张三", "idType": "resident_id",
                                  "idNumber": RESIDENT_ID})
    assert res.status_code == 403


async def test_a_second_account_cannot_be_verified_as_an_already_verified_person(client, db):
    clerk = await _approver(client, db)
    zhang, li = await applicant(client, "zhang", verified=False), await applicant(client, "li", verified=False)
    person = {"name": "张三", "idType": "resident_id", "idNumber": RESIDENT_ID}
    first = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                              json={"userId": zhang["user"]["id"], **person})
    assert first.status_code == 201, first.text
    again = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                              json={"userId": li["user"]["id"], **person})
    assert again.status_code == 409 and again.json()["code"] == "identity_taken"

    # the same by document: a passport verified on one account cannot be uploaded by another
    smith, other = await applicant(client, "smith", verified=False), await applicant(client, "other", verified=False)
    pending = (await _upload(client, smith)).json()
    assert (await client.post(f"{API}/staff/identity/documents/{pending['id']}/approve",
                              headers=clerk["headers"])).status_code == 200
    res = await _upload(client, other)
    assert res.status_code == 409 and res.json()["code"] == "identity_taken"


async def test_a_foreign_document_is_pending_for_one_working_day_then_approved_and_the_person_told(client, db):
    use_clock(client, "2026-06-05 16:00")  # Friday: due the next working day, Monday 8 June
    smith = await applicant(client, "smith", verified=False)
    clerk = await _approver(client, db)

    res = await _upload(client, smith)
    assert res.status_code == 201, res.text
    doc = res.json()
    assert doc["status"] == "pending" and doc["dueOn"] == "2026-06-08" and doc["idNumberMasked"] == "E12**5678"
    mine = (await client.get(f"{API}/me/identity", headers=smith["headers"])).json()
    assert mine["verified"] is False
    again = await _upload(client, smith)
    assert again.status_code == 409 and again.json()["code"] == "document_pending"

    listed = await client.get(f"{API}/staff/identity/documents", headers=clerk["headers"])
    assert listed.status_code == 200
    assert [(d["id"], d["idNumberMasked"], d["dueOn"]) for d in listed.json()] == [(doc["id"], "E12**5678",
                                                                                    "2026-06-08")]
    assert PASSPORT not in listed.text and "SMITH JOHN" not in listed.text  # masked in the list
    assert await db.fetchval("SELECT count(*) FROM identity_views") == 0

    detail = (await client.get(f"{API}/staff/identity/documents/{doc['id']}", headers=clerk["headers"])).json()
    assert detail["idNumber"] == PASSPORT and detail["name"] == "SMITH JOHN" and detail["idTypeName"] == "护照"
    photo = await client.get(detail["photoUrl"], headers=clerk["headers"])
    assert photo.status_code == 200 and photo.content == JPG and photo.headers["content-type"] == "image/jpeg"
    views = await db.fetch("SELECT viewer_id, what, id_number_shown FROM identity_views ORDER BY id")
    assert [tuple(v) for v in views] == [(clerk["user"]["id"], "detail", True), (clerk["user"]["id"], "photo", False)]

    use_clock(client, "2026-06-08 09:30")
    res = await client.post(f"{API}/staff/identity/documents/{doc['id']}/approve", headers=clerk["headers"])
    assert res.status_code == 200, res.text
    identity = res.json()
    assert identity["status"] == "verified" and identity["method"] == "document"
    assert identity["verifiedBy"] == clerk["user"]["id"] and identity["verifiedAt"].startswith("2026-06-08T01:30:00")
    mine = (await client.get(f"{API}/me/identity", headers=smith["headers"])).json()
    assert mine["verified"] is True and mine["identity"]["method"] == "document"
    assert await _inbox(db, smith["user"]["id"], "identity_document_approved") == [
        "您提交的护照已由工作人员核验通过，实名认证已完成，现在可以提交办事申请了。"]
    twice = await client.post(f"{API}/staff/identity/documents/{doc['id']}/approve", headers=clerk["headers"])
    assert twice.status_code == 409 and twice.json()["code"] == "identity_document_reviewed"
    assert (await client.get(f"{API}/staff/identity/documents", headers=clerk["headers"])).json() == []


async def test_a_refused_document_tells_the_person_the_reason_and_they_may_upload_again(client, db):
    chan = await applicant(client, "chan", verified=False)
    clerk = await _approver(client, db)
    doc = (await _upload(client, chan, id_type="hk_macau_permit", number="H12345678", name="陈大文",
                         photo=("permit.png", PNG, "image/png"))).json()
    res = await client.post(f"{API}/staff/identity/documents/{doc['id']}/refuse", headers=clerk["headers"],
                            json={"reason": "照片模糊，看不清证件号码"})
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "refused" and res.json()["refusalReason"] == "照片模糊，看不清证件号码"
    assert await _inbox(db, chan["user"]["id"], "identity_document_refused") == [
        "您提交的港澳居民来往内地通行证未通过工作人员核验：照片模糊，看不清证件号码。请按提示重新上传清晰的证件照片，"
        "或携带证件原件到办事窗口认证。"]
    assert (await client.get(f"{API}/me/identity", headers=chan["headers"])).json()["verified"] is False
    mine = (await client.get(f"{API}/me/identity/documents", headers=chan["headers"])).json()
    assert [(d["status"], d["refusalReason"], d["idNumberMasked"]) for d in mine] == [
        ("refused", "照片模糊，看不清证件号码", "H12**5678")]
    again = await _upload(client, chan, id_type="hk_macau_permit", number="H12345678", name="陈大文")
    assert again.status_code == 201, again.text


async def test_staff_cannot_review_their_own_document(client, db):
    clerk = await _approver(client, db)
    doc = (await _upload(client, clerk)).json()
    res = await client.post(f"{API}/staff/identity/documents/{doc['id']}/approve", headers=clerk["headers"])
    assert res.status_code == 403 and res.json()["code"] == "own_identity"


async def test_a_photo_that_is_not_an_image_or_a_wrong_number_is_refused(client, db):
    smith = await applicant(client, "smith", verified=False)
    res = await _upload(client, smith, photo=("passport.pdf", PDF, "application/pdf"))
    assert res.status_code == 400 and res.json()["code"] == "document_photo_type"
    res = await _upload(client, smith, photo=("passport.jpg", b"<html>not a photo</html>", "image/jpeg"))
    assert res.status_code == 400 and res.json()["code"] == "document_photo_type"
    res = await _upload(client, smith, photo=("passport.jpg", JPG[:40] + b"\x00" * 200, "image/jpeg"))
    assert res.status_code == 422 and res.json()["code"] == "file_damaged"
    res = await _upload(client, smith, id_type="hk_macau_permit", number="X1234")
    assert res.status_code == 400 and res.json()["code"] == "invalid_document_number"
    res = await _upload(client, smith, id_type="resident_id", number=RESIDENT_ID)
    assert res.status_code == 400  # a resident ID goes through face verification or the window
    assert await db.fetchval("SELECT count(*) FROM identities") == 0


async def _watch(settings, clock: Clock) -> None:
    arq = await create_pool(redis_settings(settings.redis_url))
    try:
        await arq.enqueue_job("watch_identity_documents")
    finally:
        await arq.aclose()
    await run_jobs(settings, clock=clock)


async def _staff_sent(db, event: str) -> list[tuple[int, str]]:
    return [(r["user_id"], r["dedupe_key"]) for r in await db.fetch(
        "SELECT user_id, dedupe_key FROM notifications WHERE event = $1 AND channel = 'inapp' ORDER BY id", event)]


async def test_the_reminder_job_runs_twice_and_reminds_once_then_flags_the_overdue_document_once(client, db, settings):
    use_clock(client, "2026-06-05 16:00")
    smith = await applicant(client, "smith", verified=False)
    clerk = await _approver(client, db)
    lead = await staff(client, db, phone="13900002009", roles=["lead"], name="分管领导")
    doc = (await _upload(client, smith)).json()
    assert doc["dueOn"] == "2026-06-08"

    clock = Clock(sh("2026-06-07 08:10"))  # Sunday: not due yet
    await _watch(settings, clock)
    assert await _staff_sent(db, "task_due_soon") == []

    clock.now = sh("2026-06-08 08:10")  # the due day: the reviewers are reminded, once
    await _watch(settings, clock)
    await _watch(settings, clock)
    reviewers = [r["id"] for r in await db.fetch("SELECT id FROM users WHERE NOT disabled AND 'approver' = ANY(roles)")]
    assert clerk["user"]["id"] in reviewers and lead["user"]["id"] not in reviewers
    assert sorted(await _staff_sent(db, "task_due_soon")) == sorted(
        (staff_id, f"identity_document_reminder:{doc['id']}:{staff_id}") for staff_id in reviewers)
    assert await _staff_sent(db, "task_overdue") == []

    clock.now = sh("2026-06-09 08:10")  # past it: flagged and escalated, once
    await _watch(settings, clock)
    await _watch(settings, clock)
    leads = [r["id"] for r in await db.fetch("SELECT id FROM users WHERE NOT disabled AND 'lead' = ANY(roles)")]
    assert lead["user"]["id"] in leads
    assert sorted(u for u, _ in await _staff_sent(db, "task_overdue")) == sorted({*reviewers, *leads})
    assert len(await _staff_sent(db, "task_due_soon")) == len(reviewers)
    listed = (await client.get(f"{API}/staff/identity/documents", headers=clerk["headers"])).json()
    assert [d["overdue"] for d in listed] == [True]


async def test_a_blank_name_or_a_missing_photo_is_a_clear_400(client, db):
    clerk = await _approver(client, db)
    zhang = await applicant(client, "zhang", verified=False)
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"userId": zhang["user"]["id"], "name": "   ", "idType": "passport",
                                  "idNumber": PASSPORT})
    assert res.status_code == 400 and res.json()["code"] == "validation_failed"
    res = await client.post(f"{API}/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"userId": zhang["user"]["id"], "phone": "13800001111", "name": "张三",
                                  "idType": "passport", "idNumber": PASSPORT})
    assert res.status_code == 400  # one of phone and userId, not both
    res = await _upload(client, zhang, name="  ")
    assert res.status_code == 400 and res.json()["code"] == "validation_failed"
    res = await client.post(f"{API}/me/identity/documents", headers=zhang["headers"],
                            files={"photo": ("passport.jpg", JPG, "image/jpeg")},  # not under the name "file"
                            data={"name": "SMITH JOHN", "idType": "passport", "idNumber": PASSPORT})
    assert res.status_code == 400 and res.json()["code"] == "document_photo_missing"
