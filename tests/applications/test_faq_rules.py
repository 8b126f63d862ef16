"""FAQ rules of the applicant's journey, through the API with a controllable clock:
F098 (one extension of the supplement deadline), F138 (off-hours submissions start the clock on
the next working day; automatic decisions at once), F072 (dangerous goods: companies only)."""

from __future__ import annotations

from datetime import date, timedelta

from arq import create_pool
from stdnum.cn import uscc

from api.applications import service
from api.applications.service import clock_starts_on
from api.workdays import add_workdays
from jobs import redis_settings
from tests.clock import SH, Clock, sh, use_clock
from tests.applications.helpers import TAXI_FORM, draft, licence, person, taxi_case, upload
from tests.approvals.helpers import DG_FORM
from tests.factories import act_as_enterprise, applicant, credit_code_of, run_jobs, staff
from tests.samples import PDF

API = "/api/v1"


async def close_job(settings, clock: Clock) -> None:
    arq = await create_pool(redis_settings(settings.redis_url))
    try:
        await arq.enqueue_job("close_unsupplemented_applications")
    finally:
        await arq.aclose()
    await run_jobs(settings, clock=clock)


def extend(client, headers, app_id, reason="营业执照正在办理变更，原件暂时无法提供"):
    return client.post(f"{API}/applications/{app_id}/supplement-extension", headers=headers, json={"reason": reason})


# --- F098 ---------------------------------------------------------------------------------------

async def test_the_supplement_deadline_can_be_extended_once_and_the_closing_job_respects_it(client, db, settings):
    clock = use_clock(client, "2026-06-05 10:00")  # a Friday, in office hours
    me = await applicant(client, "late")
    app_id = await taxi_case(client, me["headers"], complete=False)
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200 and res.json()["status"] == "needs_supplement", res.text
    first_due = date.fromisoformat(res.json()["supplementDueOn"])
    assert first_due == add_workdays(date(2026, 6, 5), 20) == date(2026, 7, 6)  # 20 working days (F098; 端午 off)

    clock.set(sh("2026-07-06 16:00"))  # the deadline's last day still counts as within it
    res = await extend(client, me["headers"], app_id)
    assert res.status_code == 200, res.text
    body = res.json()
    new_due = add_workdays(first_due, 10)
    assert body["status"] == "needs_supplement" and body["supplementDueOn"] == new_due.isoformat()
    assert body["gapNotice"]["dueOn"] == new_due.isoformat()
    assert body["gapNotice"]["originalDueOn"] == first_due.isoformat() and body["gapNotice"]["extendedAt"]
    [event] = [e for e in body["timeline"] if e["kind"] == "gap_notice"]
    assert "延期一次" in event["note"] and "2026年07月20日" in event["note"] and event["byStaff"] is False
    assert new_due == date(2026, 7, 20)

    # once only, whatever the reason
    again = await extend(client, me["headers"], app_id, reason="还是来不及")
    assert again.status_code == 409 and again.json()["code"] == "supplement_extension_used", again.text
    assert await db.fetchval("SELECT supplement_due_on FROM applications WHERE id = $1", app_id) == new_due

    # the day after the first deadline the closing job leaves it alone; after the new one it closes it
    clock.set(sh("2026-07-07 00:20"))
    await close_job(settings, clock)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "needs_supplement"
    clock.set(sh("2026-07-21 00:20"))
    await close_job(settings, clock)
    assert await db.fetchval("SELECT status FROM applications WHERE id = $1", app_id) == "closed"
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'application_closed' "
                             "AND subject_id = $1 AND channel = 'inapp'", app_id) == 1
    late = await extend(client, me["headers"], app_id)
    assert late.status_code == 409 and late.json()["code"] == "supplement_not_pending"


async def test_an_extension_is_refused_after_the_deadline_outside_supplement_and_for_others(client, db):
    clock = use_clock(client, "2026-06-05 10:00")
    me = await applicant(client, "owner")
    other = await applicant(client, "nosy")
    app_id = await taxi_case(client, me["headers"], complete=False)
    not_yet = await extend(client, me["headers"], app_id)  # a draft has no supplement deadline
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "supplement_not_pending"
    assert (await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])).status_code == 200

    stranger = await extend(client, other["headers"], app_id)
    assert stranger.status_code == 404 and stranger.json()["code"] == "application_not_found"
    blank = await extend(client, me["headers"], app_id, reason="   ")
    assert blank.status_code == 400 and blank.json()["code"] == "validation_failed"

    clock.set(sh("2026-07-07 09:00"))  # the day after the deadline (6 July)
    late = await extend(client, me["headers"], app_id)
    assert late.status_code == 409 and late.json()["code"] == "supplement_deadline_passed", late.text
    assert late.json()["dueOn"] == "2026-07-06"
    assert await db.fetchval("SELECT count(*) FROM supplement_extensions") == 0
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE application_id = $1 "
                             "AND kind = 'gap_notice'", app_id) == 0


# --- F138 ---------------------------------------------------------------------------------------

def test_the_processing_clock_starts_on_the_next_working_day_outside_office_hours():
    cases = {
        "2026-06-05 10:00": "2026-06-05",  # Friday, office hours
        "2026-06-05 12:30": "2026-06-05",  # lunch break: the afternoon's office time is still to come
        "2026-06-05 16:59": "2026-06-05",
        "2026-06-05 17:00": "2026-06-08",  # Friday after closing -> Monday
        "2026-06-06 10:00": "2026-06-08",  # Saturday
        "2026-06-08 07:00": "2026-06-08",  # Monday before opening: that day's office hours
        "2026-09-19 11:00": "2026-09-20",  # Saturday before National Day -> Sunday 20 Sep, a make-up working day
        "2026-09-30 18:00": "2026-10-08",  # the evening before the National Day holiday -> after it
    }
    assert {moment: clock_starts_on(sh(moment)).isoformat() for moment in cases} == cases


async def test_a_case_submitted_on_saturday_starts_its_clock_on_monday(client, db):
    use_clock(client, "2026-06-06 10:00")  # Saturday
    me = await applicant(client, "weekend")
    accept = await staff(client, db, phone="13900002001", roles=["approver"], steps=["accept"], name="受理岗")
    app_id = await taxi_case(client, me["headers"], complete=True)
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "submitted" and res.json()["clockStartsOn"] == "2026-06-08"
    progress = await client.get(f"{API}/progress/{res.json()['publicNo']}")
    assert progress.json()["clockStartsOn"] == "2026-06-08"  # shown on the progress page (以办件进度显示为准)

    # the approver's deadline to accept: one working day from Monday, not from Saturday
    [task] = (await client.get(f"{API}/tasks", headers=accept["headers"])).json()["items"]
    assert task["applicationId"] == app_id and task["dueOn"] == "2026-06-09"
    # accepted at once (this test runs after June 2026): the promised days count from acceptance
    decided = await client.post(f"{API}/tasks/{task['id']}/decision", json={"decision": "approve"},
                                headers=accept["headers"])
    assert decided.status_code == 200, decided.text
    row = await db.fetchrow("SELECT due_on, promised_days, accepted_at FROM applications WHERE id = $1", app_id)
    accepted_on = row["accepted_at"].astimezone(SH).date()
    assert row["due_on"] == add_workdays(max(accepted_on, date(2026, 6, 8)), row["promised_days"])


async def test_a_night_acceptance_of_a_weekend_case_counts_from_the_next_working_day(db):
    user = await person(db, "o-night")
    approver = await person(db, "o-night-staff")
    app = await draft(db, user, promised_days=10)
    far = date.today() + timedelta(days=400)  # a Saturday well after today
    saturday = far + timedelta(days=(5 - far.weekday()) % 7)
    await service.move(db, await service.lock(db, app["id"]), "submitted", actor_id=user, note=None, data=None,
                        notify_applicant=False, now=sh(f"{saturday} 21:00"))
    accepted = await service.transition(db, app["id"], "accepted", actor_id=approver)
    start = accepted["clock_starts_on"]
    assert start > saturday and start == add_workdays(saturday, 1)
    assert accepted["due_on"] == add_workdays(start, 10)  # not from today, which is before the clock started


async def test_an_automatic_instant_decision_happens_at_once_even_at_night(client, db):
    use_clock(client, "2026-06-06 23:30")  # Saturday night
    me = await applicant(client, "nighthaul")
    uid = me["user"]["id"]
    await licence(db, uid, "road_transport_permit", "浙交运管许可温字330300002号")
    await licence(db, uid, "vehicle_licence", "浙C54321")
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "oversize-transport-permit", "answers": {"needsAssessment": "no", "escort": "no"},
        "form": {"companyName": "温州大件物流有限公司", "mobile": "13812345679", "plateNo": "浙C54321",
                 "cargoName": "变压器", "cargoIndivisible": True, "totalLengthM": 20.5, "totalWidthM": 3.2,
                 "totalHeightM": 4.3, "totalMassTons": 95, "route": "G15 温州南—瑞安",
                 "startDate": "2026-06-08", "endDate": "2026-06-12"}})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    assert (await upload(client, me["headers"], app_id, "cargo_photos")).status_code == 200
    assert (await upload(client, me["headers"], app_id, "authorization", PDF)).status_code == 200
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "approved" and [lic["type"] for lic in res.json()["licences"]] == ["oversize_permit"]
    assert res.json()["clockStartsOn"] == "2026-06-08"  # recorded, but the decision did not wait for it


async def _instant_freight_permit(client, db, name: str, delivery: dict) -> dict:
    me = await applicant(client, name)
    uid = me["user"]["id"]
    me = await act_as_enterprise(client, me, credit_code_of(name), "温州顺达货运有限公司")  # F092
    await licence(db, uid, "business_licence", f"营业执照-{name}", enterprise_id=me["enterprise_id"])
    await licence(db, uid, "id_card", f"身份证-{name}", enterprise_id=me["enterprise_id"])
    created = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "freight-operating-permit", "answers": {"hasVehicle": "no", "agent": "no"},
        "form": {"companyName": "温州顺达货运有限公司", "creditCode": ENTERPRISE, "legalPerson": "王五",
                 "mobile": "13812345670", **delivery}})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    for code in ("safety_rules", "purchase_commitment"):
        assert (await upload(client, me["headers"], app_id, code, PDF)).status_code == 200
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "approved"  # decided by the machine, no approver
    return res.json()


async def test_an_automatic_decision_sends_the_paper_licence_as_the_applicant_chose(client, db):
    """F035/F064: 电子证即时生成，纸质证由EMS寄到申请时填写的地址，或按申请时的选择到窗口自取 (F131)."""
    mailed = await _instant_freight_permit(client, db, "autoems", {"deliveryAddress": "温州市鹿城区车站大道1号"})
    row = await db.fetchrow("SELECT method, address, status FROM deliveries WHERE application_id = $1", mailed["id"])
    assert tuple(row) == ("express", "温州市鹿城区车站大道1号", "pending")
    held = await _instant_freight_permit(client, db, "autopick",
                                         {"deliveryMethod": "窗口自取", "pickupSite": "city-service-centre"})
    row = await db.fetchrow("SELECT method, status FROM deliveries WHERE application_id = $1", held["id"])
    assert tuple(row) == ("pickup", "pending")
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE event = 'licence_ready_for_pickup' "
                             "AND channel = 'inapp' AND subject_id = $1", held["id"]) == 1


# --- F072 ---------------------------------------------------------------------------------------

INDIVIDUAL_BUSINESS = "92330302MA2H8Q1B2" + uscc.calc_check_digit("92330302MA2H8Q1B2")  # 个体工商户
ENTERPRISE = "91330302MA2H8Q1B2" + uscc.calc_check_digit("91330302MA2H8Q1B2")


def dg(form_changes: dict) -> dict:
    form = {**DG_FORM, **form_changes}
    return {"serviceCode": "dangerous-goods-permit",
            "answers": {"action": "new", "vehicles": "owned", "scope": "general"},
            "form": {k: v for k, v in form.items() if v is not None}}


async def test_only_companies_may_apply_for_the_dangerous_goods_permit(client, db):
    me = await applicant(client, "getihu")
    uid = me["user"]["id"]
    for changes, detail in (({"creditCode": INDIVIDUAL_BUSINESS}, "个体工商户"),
                            ({"creditCode": None, "companyName": None}, "个人不能申请")):
        res = await client.post(f"{API}/applications", headers=me["headers"], json=dg(changes))
        assert res.status_code == 422, res.text
        problem = res.json()
        assert problem["code"] == "company_applicant_required" and problem["field"] == "form.creditCode"
        assert problem["title"] == "只有企业法人可以申请，个人和个体工商户不能申请。" and detail in problem["detail"]
        assert problem["faq"] == "F072"
    assert await db.fetchval("SELECT count(*) FROM applications WHERE applicant_id = $1", uid) == 0

    # a company applies; turning the draft into an individual business's is refused and changes nothing
    created = await client.post(f"{API}/applications", headers=me["headers"], json=dg({"creditCode": ENTERPRISE}))
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    patched = await client.patch(f"{API}/applications/{app_id}", headers=me["headers"],
                                 json={"form": {"creditCode": INDIVIDUAL_BUSINESS}})
    assert patched.status_code == 422 and patched.json()["code"] == "company_applicant_required"
    cleared = await client.patch(f"{API}/applications/{app_id}", headers=me["headers"], json={"form": {"creditCode": None}})
    assert cleared.status_code == 422 and cleared.json()["code"] == "company_applicant_required"
    form = await db.fetchval("SELECT form FROM applications WHERE id = $1", app_id)
    assert form["creditCode"] == ENTERPRISE
    # other services are not restricted: an individual applies for a driver's certificate
    taxi = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    assert taxi.status_code == 201, taxi.text
