"""The sandbox licence source of `make dev` (issue 21): the demo people, the demo company and every
verified demo applicant get licences in the import store, so exemptions and pre-fill show at once;
loading it again changes nothing."""

from __future__ import annotations

from api.licences.sources.sandbox import DEMO_PEOPLE, seed_sandbox
from tests.factories import applicant

API = "/api/v1"


async def test_the_sandbox_source_exempts_and_prefills_for_a_verified_demo_applicant(client, db):
    me = await applicant(client, "src-sandbox")
    async with db.transaction():
        first = await seed_sandbox(db, [me["user"]["id"]])
    assert first == 3 * len(DEMO_PEOPLE) + 1 + 3
    async with db.transaction():
        assert await seed_sandbox(db, [me["user"]["id"]]) == 0
    res = await client.post(f"{API}/services/taxi-driver-cert/checklist", json={"answers": {"household": "local"}},
                            headers=me["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    exempt = {m["code"] for m in body["materials"] if m["exempt"]}
    assert {"id_card", "driving_licence"} <= exempt
    first_licence = next(f for f in body["fields"] if f["code"] == "firstLicenceDate")
    assert first_licence["value"] == "2015-05-01" and first_licence["locked"] is True
