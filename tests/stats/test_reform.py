"""GET /stats/reform pins every reform figure on a small hand-built data set."""

from __future__ import annotations

from typing import Any

from tests.factories import applicant, staff
from tests.ratings.helpers import finished_application
from tests.clock import sh, use_clock

API = "/api/v1"
FREIGHT = "freight-operating-permit"
TAXI = "taxi-driver-registration"


async def _trip(db: Any, user_id: int, app_id: int, kind: str, source_id: int) -> None:
    await db.execute("INSERT INTO trips (user_id, application_id, kind, source_type, source_id) "
                     "VALUES ($1, $2, $3, 'test', $4)", user_id, app_id, kind, source_id)


async def _materials(db: Any, user_id: int, app_id: int, applicable: int, exempted: int) -> None:
    for i in range(applicable):
        licence_id = None
        if i < exempted:
            licence_id = await db.fetchval(
                "INSERT INTO licences (holder_id, type, name, number, valid_from) "
                "VALUES ($1, 'business_licence', '营业执照', $2, '2020-01-01') RETURNING id",
                user_id, f"L{app_id}-{i}")
        await db.execute("INSERT INTO application_materials (application_id, material_code, name, required, "
                         "exempt_licence_id) VALUES ($1, $2, '材料', true, $3)", app_id, f"m{i}", licence_id)


async def _rating(db: Any, user_id: int, app_id: int, level: int, at: str, *, service: str = FREIGHT,
                  follow_up: tuple[str, str, str | None, str | None] | None = None, voided: bool = False) -> int:
    rating_id = await db.fetchval(
        "INSERT INTO ratings (user_id, target_type, target_id, service_code, level, created_at) "
        "VALUES ($1, 'application', $2, $3, $4, $5) RETURNING id", user_id, app_id, service, level, sh(at))
    if voided:
        await db.execute("UPDATE ratings SET voided_at = now(), voided_by = $2, void_reason = '恶意评价' WHERE id = $1",
                         rating_id, user_id)
    if follow_up:
        callback_due, rectify_due, called_back, closed = follow_up
        await db.execute(
            "INSERT INTO rating_follow_ups (rating_id, callback_due_on, rectify_due_on, status, called_back_at, "
            "called_back_by, callback_note, closed_at, closed_by, rectification_note, outcome) "
            "VALUES ($1, $2::text::date, $3::text::date, $4, $5, $6, $7, $8, $9, $10, $11)",
            rating_id, callback_due, rectify_due, "closed" if closed else ("called_back" if called_back else "open"),
            sh(called_back) if called_back else None, user_id if called_back else None,
            "已回访" if called_back else None, sh(closed) if closed else None, user_id if closed else None,
            "已整改" if closed else None, "rectified" if closed else None)
    return rating_id


async def _data_set(client: Any, db: Any) -> int:
    """March 2026, 道路普通货物运输经营许可: four cases with 0, 0, 1 and 2 trips.
    September 2026, 出租汽车驾驶员从业资格注册: one case across the National Day holiday."""
    uid = (await applicant(client, "zhang"))["user"]["id"]
    a1 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 09:00",
                                    decided="2026-03-02 09:20", is_instant=True)          # 0 working days
    # decided by the rules on submission (即办件): the instant share counts it (issue 27)
    await db.execute("UPDATE applications SET decided_automatically = true WHERE id = $1", a1)
    a2 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 10:00",
                                    decided="2026-03-04 15:00")                           # 2 working days
    a3 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-06 16:00",
                                    decided="2026-03-09 09:00", status="rejected")        # Fri -> Mon: 1
    a4 = await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-10 09:00",
                                    status="accepted")                                    # not decided yet
    await _trip(db, uid, a3, "inspection", 1)
    await _trip(db, uid, a4, "window_checkin", 2)
    await _trip(db, uid, a4, "exam", 3)
    await _materials(db, uid, a1, 3, 2)
    await _materials(db, uid, a2, 2, 0)
    await _materials(db, uid, a4, 5, 1)
    # 30 Sep -> 9 Oct: nine calendar days, two working days on the State Council schedule
    a5 = await finished_application(db, uid, service_code=TAXI, submitted="2026-09-30 09:00",
                                    decided="2026-10-09 09:00")
    await _rating(db, uid, a1, 5, "2026-03-02 12:00")
    await _rating(db, uid, a2, 4, "2026-03-05 12:00")
    await _rating(db, uid, a3, 2, "2026-03-09 12:00",
                  follow_up=("2026-03-10", "2026-03-16", "2026-03-10 10:00", "2026-03-13 10:00"))  # on time
    await _rating(db, uid, a4, 1, "2026-03-11 12:00",
                  follow_up=("2026-03-12", "2026-03-18", None, None))  # never called back: overdue
    await _rating(db, uid, a5, 1, "2026-10-09 11:00", service=TAXI, voided=True)  # voided: not counted
    await _rating(db, uid, a5, 3, "2026-10-09 12:00", service=TAXI)
    return uid


async def test_every_reform_figure_on_a_hand_built_data_set(client, db):
    use_clock(client, "2026-11-02 10:00")
    await _data_set(client, db)
    admin = await staff(client, db, phone="13900009101", roles=["admin"])

    res = await client.get(f"{API}/stats/reform", params={"from": "2026-01-01", "to": "2026-12-31"},
                           headers=admin["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    march = next(r for r in body["rows"] if r["period"] == "2026-03-01" and r["serviceCode"] == FREIGHT)
    assert march["serviceName"] == "道路普通货物运输经营许可"
    assert march["cases"] == 4
    assert (march["trips"], march["averageTrips"]) == (3, 0.75)
    assert (march["zeroTripCases"], march["zeroTripShare"]) == (2, 0.5)
    assert (march["onlineCases"], march["onlineShare"]) == (3, 0.75)  # one case needed a window visit
    assert (march["instantCases"], march["instantShare"]) == (1, 0.25)
    assert march["decidedCases"] == 3
    assert march["averageWorkdaysToDecision"] == 1.0  # 0, 2 and 1 working days
    assert march["p90WorkdaysToDecision"] == 2
    assert (march["materialsApplicable"], march["materialsAsked"], march["materialsExempted"]) == (10, 7, 3)
    assert march["exemptedShare"] == 0.3
    assert march["ratings"] == 4
    assert march["ratingsByLevel"] == {"level5": 1, "level4": 1, "level3": 0, "level2": 1, "level1": 1}
    assert (march["fourStarsOrBetter"], march["fourStarsOrBetterShare"]) == (2, 0.5)
    assert (march["badReviews"], march["badReviewsFollowedUpOnTime"], march["badReviewsOverdue"]) == (2, 1, 1)
    assert march["badReviewsOnTimeShare"] == 0.5

    autumn = [r for r in body["rows"] if r["serviceCode"] == TAXI]
    # the case counts in the month it was submitted, its rating in the month it was given
    assert [(r["period"], r["cases"], r["ratings"]) for r in autumn] == [("2026-09-01", 1, 0), ("2026-10-01", 0, 1)]
    assert autumn[0]["averageWorkdaysToDecision"] == 2.0  # not 9: the holiday is not counted
    october = next(r for r in body["periods"] if r["period"] == "2026-10-01")
    assert (october["cases"], october["ratings"], october["ratingsByLevel"]["level1"]) == (0, 1, 0)

    total = body["total"]
    assert (total["period"], total["serviceCode"], total["cases"], total["trips"]) == (None, None, 5, 3)
    assert (total["zeroTripShare"], total["averageTrips"], total["ratings"]) == (0.6, 0.6, 5)
    assert total["p90WorkdaysToDecision"] == 2
    assert [p["period"] for p in body["periods"]] == ["2026-03-01", "2026-09-01", "2026-10-01"]


async def test_figures_for_one_service_and_one_period(client, db):
    use_clock(client, "2026-11-02 10:00")
    await _data_set(client, db)
    admin = await staff(client, db, phone="13900009101", roles=["lead"])
    res = await client.get(f"{API}/stats/reform", headers=admin["headers"],
                           params={"from": "2026-03-01", "to": "2026-03-06", "serviceCode": FREIGHT, "period": "week"})
    assert res.status_code == 200, res.text
    body = res.json()
    # submitted Mon 2 and Fri 6 March: one ISO week, three cases
    assert [(r["period"], r["cases"], r["averageTrips"]) for r in body["rows"]] == [("2026-03-02", 3, 0.3333)]
    assert body["total"]["cases"] == 3


async def test_bad_ranges_and_callers_are_refused(client, db):
    zhang = await applicant(client, "zhang")
    admin = await staff(client, db, phone="13900009101", roles=["admin"])
    res = await client.get(f"{API}/stats/reform", params={"from": "2026-01-01", "to": "2026-12-31"},
                           headers=zhang["headers"])
    assert res.status_code == 403
    res = await client.get(f"{API}/stats/reform", params={"from": "2026-12-31", "to": "2026-01-01"},
                           headers=admin["headers"])
    assert (res.status_code, res.json()["code"]) == (400, "range_invalid")
    res = await client.get(f"{API}/stats/reform", params={"from": "2026-01-01", "to": "2026-13-01"},
                           headers=admin["headers"])
    assert res.status_code == 400
    res = await client.get(f"{API}/stats/reform", params={"from": "2026-01-01", "to": "2026-02-01", "period": "hour"},
                           headers=admin["headers"])
    assert res.status_code == 400


async def test_an_admin_workday_override_changes_the_working_days_counted(client, db):
    use_clock(client, "2026-11-02 10:00")
    uid = (await applicant(client, "zhang"))["user"]["id"]
    await finished_application(db, uid, service_code=FREIGHT, submitted="2026-03-02 09:00", decided="2026-03-04 09:00")
    admin = await staff(client, db, phone="13900009101", roles=["admin"])
    await db.execute("INSERT INTO workday_overrides (day, is_workday, note) VALUES ('2026-03-03', false, '临时休息')")
    res = await client.get(f"{API}/stats/reform", params={"from": "2026-03-01", "to": "2026-03-31"},
                           headers=admin["headers"])
    assert res.json()["total"]["averageWorkdaysToDecision"] == 1.0
