"""A lifecycle case acts on a licence of the acting subject's library (issue 22 with issue 20): an
enterprise's licence for whoever acts for the enterprise, a person's own licence for the person."""

from __future__ import annotations

from datetime import timedelta

from api.clock import today
from tests.applications.helpers import licence
from tests.enterprises.helpers import API, act_for, credit_code, enterprise, verified

SHUNDA = credit_code("91330300MA2ABCDE1")  # sandbox: the registry confirms it


async def _create(client, headers, licence_id: int):
    return await client.post(f"{API}/applications", headers=headers, json={
        "serviceCode": "freight-vehicle-cert-cancel", "licenceId": licence_id,
        "form": {"reason": "报废", "mobile": "13800138000"}})


async def test_an_enterprise_cancels_a_licence_of_its_own_library_only(client, db):
    boss = await verified(client, "lcboss", "王大锤", "11010519800101125")
    ent_id = await enterprise(client, boss, SHUNDA, "温州顺达物流有限公司")
    as_ent = await act_for(client, boss, ent_id)
    until = today() + timedelta(days=500)
    theirs = await licence(db, boss["id"], "road_transport_certificate", "YZ-E-1", valid_until=until, name="道路运输证")
    await db.execute("UPDATE licences SET enterprise_id = $2 WHERE id = $1", theirs, ent_id)  # the enterprise's
    own = await licence(db, boss["id"], "road_transport_certificate", "YZ-P-1", valid_until=until, name="道路运输证")

    res = await _create(client, boss["headers"], theirs)  # as the person: not in the person's library
    assert res.status_code == 404 and res.json()["code"] == "acted_licence_not_found"
    res = await _create(client, as_ent, own)  # for the enterprise: the person's licence is not its own
    assert res.status_code == 404 and res.json()["code"] == "acted_licence_not_found"

    created = await _create(client, as_ent, theirs)
    assert created.status_code == 201, created.text
    done = await client.post(f"{API}/applications/{created.json()['id']}/submit", headers=as_ent)
    assert done.status_code == 200 and done.json()["status"] == "approved", done.text
    row = await db.fetchrow("SELECT * FROM licences WHERE id = $1", theirs)
    assert row["status"] == "revoked" and row["revoked_reason"] == "道路运输证注销：报废"
    assert await db.fetchval("SELECT status FROM licences WHERE id = $1", own) == "valid"
    library = {lic["id"]: lic["status"] for lic in (await client.get(f"{API}/licences", headers=as_ent)).json()}
    assert library == {theirs: "revoked"}
