"""The checklist counts a held licence as in force by the app's clock, as every decision does."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from api.clock import ZONE, today
from tests.applications.helpers import licence
from tests.clock import use_clock
from tests.factories import applicant

API = "/api/v1"


async def test_a_licence_past_its_expiry_by_the_apps_clock_no_longer_spares_a_material(client, db):
    me = await applicant(client, "shipclock")
    expiry = today() + timedelta(days=40)
    cert = await licence(db, me["user"]["id"], "ship_operating_certificate", "浙温港航营字0002号",
                         valid_until=expiry, name="船舶营运证")
    ask = {"answers": {"shipChanged": "no"}}
    before = await client.post(f"{API}/services/ship-operating-cert/checklist", json=ask, headers=me["headers"])
    assert before.status_code == 200, before.text
    assert {m["code"]: m["exemptLicenceId"] for m in before.json()["materials"]}["old_certificate"] == cert

    use_clock(client, datetime.combine(expiry + timedelta(days=1), time(10), ZONE))  # the day after it expired
    after = await client.post(f"{API}/services/ship-operating-cert/checklist", json=ask, headers=me["headers"])
    assert after.status_code == 200, after.text
    assert {m["code"]: m["exemptLicenceId"] for m in after.json()["materials"]}["old_certificate"] is None
