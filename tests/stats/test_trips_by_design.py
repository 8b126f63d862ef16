"""GET /stats/trips-by-design: the trips each service needs by design, from the catalogue alone."""

from __future__ import annotations

from tests.factories import applicant, staff

API = "/api/v1"


async def test_each_service_names_its_designed_trips_and_why(client, db):
    lead = await staff(client, db, phone="13900009102", roles=["lead"])
    res = await client.get(f"{API}/stats/trips-by-design", headers=lead["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    by_code = {s["code"]: s for s in body["services"]}

    # taxi driver registration: filed by the company, reviewed online, card issued electronically
    assert by_code["taxi-driver-registration"]["trips"] == 0
    assert by_code["taxi-driver-registration"]["zeroTrip"] is True
    assert by_code["taxi-driver-registration"]["visits"] == []
    # the ride-hailing driver qualification: one trip, the exam, taken in person
    assert by_code["ride-hailing-driver-cert"]["trips"] == 1
    assert by_code["ride-hailing-driver-cert"]["visits"] == [
        {"step": "exam", "name": "考试", "reason": "本人参加考试"}]
    # the ride-hailing vehicle permit: inspected at the station and picked up there
    assert [v["step"] for v in by_code["ride-hailing-vehicle-permit"]["visits"]] == ["inspection", "pickup"]
    assert by_code["ride-hailing-vehicle-permit"]["trips"] == 2
    # dangerous goods cannot be zero-trip: the site must be inspected (DOMAIN.md)
    assert by_code["dangerous-goods-permit"]["zeroTrip"] is False
    assert by_code["dangerous-goods-permit"]["visits"][0]["reason"].startswith("现场核查")

    counts = [s["trips"] for s in body["services"]]
    assert counts == sorted(counts)  # fewest trips first
    assert body["zeroTripServices"] == counts.count(0)
    assert body["oneTripServices"] == counts.count(1)
    assert body["moreTripServices"] == sum(c > 1 for c in counts)
    assert body["zeroTripServices"] + body["oneTripServices"] + body["moreTripServices"] == len(counts)
    assert all(s["zeroTrip"] == (s["trips"] == 0) for s in body["services"])


async def test_an_admin_edit_of_the_catalogue_changes_the_designed_trips(client, db):
    admin = await staff(client, db, phone="13900009103", roles=["admin"])
    spec = (await client.get(f"{API}/services/charter-filing")).json()
    assert spec["zeroTrip"] is True
    spec = {k: v for k, v in spec.items() if k not in ("enabled", "disclosureDecided")}
    spec.update(zeroTrip=False, visitSteps=["window_checkin"])
    res = await client.put(f"{API}/admin/services/charter-filing", json=spec, headers=admin["headers"])
    assert res.status_code == 200, res.text
    body = (await client.get(f"{API}/stats/trips-by-design", headers=admin["headers"])).json()
    charter = next(s for s in body["services"] if s["code"] == "charter-filing")
    assert (charter["trips"], charter["visits"][0]["name"]) == (1, "窗口核验")


async def test_citizens_cannot_read_the_bureau_figures(client, db):
    zhang = await applicant(client, "zhang")
    res = await client.get(f"{API}/stats/trips-by-design", headers=zhang["headers"])
    assert res.status_code == 403
