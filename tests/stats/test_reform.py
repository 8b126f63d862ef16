"""GET /stats/reform pins every reform figure on a small hand-built data set."""

from __future__ import annotations

from tests.factories import applicant, staff
from tests.ratings.helpers import finished_application
from tests.clock import use_clock
from tests.stats.helpers import FREIGHT, TAXI, data_set

API = "/api/v1"


async def test_every_reform_figure_on_a_hand_built_data_set(client, db):
    use_clock(client, "2026-11-02 10:00")
    await data_set(client, db)
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
    await data_set(client, db)
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
