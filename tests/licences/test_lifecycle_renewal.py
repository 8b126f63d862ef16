"""换证 (issue 22, F061/F134/F065): a renewal acts on one licence of the holder's library, opens exactly
90 days before expiry, continues the validity from the old expiry + 1 day, and supersedes the old one
in the library, /verify and exemptions at once."""

from __future__ import annotations

from datetime import date, timedelta

from api.clock import today
from tests.applications.helpers import licence
from tests.factories import applicant

API = "/api/v1"
FORM = {"mobile": "13800138000", "deliveryAddress": "温州市鹿城区人民路100号"}
SERVICE = "taxi-driver-cert-renewal"
TYPE = "taxi_driver_qualification"


async def _create(client, who, licence_id, service=SERVICE, form=FORM):
    return await client.post(f"{API}/applications", headers=who["headers"],
                             json={"serviceCode": service, "licenceId": licence_id, "form": form})


async def _verify(client, who, licence_id: int) -> dict:
    link = await client.get(f"{API}/licences/{licence_id}/verification-link", headers=who["headers"])
    assert link.status_code == 200, link.text
    return (await client.get(f"/verify/{link.json()['token']}")).json()


async def test_renewal_opens_exactly_90_days_before_expiry(client, db):
    me = await applicant(client, "renewer")
    uid = me["user"]["id"]
    day = today()
    ids = {days: await licence(db, uid, TYPE, f"QC-{days}", valid_until=day + timedelta(days=days), name="从业资格证")
           for days in (91, 90, 89)}
    early = await _create(client, me, ids[91])
    assert early.status_code == 409 and early.json()["code"] == "renewal_not_open", early.text
    assert early.json()["opensOn"] == (day + timedelta(days=1)).isoformat()  # 91 - 90: tomorrow
    for days in (90, 89):
        res = await _create(client, me, ids[days])
        assert res.status_code == 201, res.text
        assert res.json()["licenceId"] == ids[days]


async def test_a_renewal_continues_from_the_old_expiry_and_supersedes_the_old_licence(client, db):
    me = await applicant(client, "lc-5")
    uid = me["user"]["id"]
    expiry = today() + timedelta(days=60)
    old_id = await licence(db, uid, TYPE, "QC-OLD-1", valid_until=expiry, name="巡游出租汽车驾驶员从业资格证")
    created = await _create(client, me, old_id)
    assert created.status_code == 201, created.text
    # the old licence stands for the old-certificate material: nothing to upload
    assert [m["exemptLicenceId"] for m in created.json()["materials"]] == [old_id]
    done = await client.post(f"{API}/applications/{created.json()['id']}/submit", headers=me["headers"])
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "approved", body
    new = body["licences"][0]
    assert new["type"] == TYPE and new["status"] == "valid" and new["number"] != "QC-OLD-1"
    # in force at once; its 6-year term counts from the day after the old one ends (F061)
    assert new["validFrom"] == today().isoformat()
    starts = expiry + timedelta(days=1)
    assert new["validUntil"] == (date(starts.year + 6, starts.month, starts.day) - timedelta(days=1)).isoformat()

    old = await db.fetchrow("SELECT * FROM licences WHERE id = $1", old_id)
    assert old["status"] == "revoked" and old["replaced_by"] == new["id"]
    assert old["revoked_by_application_id"] == body["id"] and "换证" in old["revoked_reason"]
    library = {lic["id"]: lic for lic in (await client.get(f"{API}/licences", headers=me["headers"])).json()}
    assert library[old_id]["status"] == "revoked" and library[old_id]["revokedReason"]
    assert library[new["id"]]["status"] == "valid"
    assert (await _verify(client, me, old_id))["status"] == "revoked"
    checked = await _verify(client, me, new["id"])
    assert checked["valid"] is True and checked["validUntil"] == new["validUntil"]
    # exemptions follow at once: the new licence stands for the material now
    checklist = await client.post(f"{API}/services/{SERVICE}/checklist", json={"answers": {}}, headers=me["headers"])
    assert [m["exemptLicenceId"] for m in checklist.json()["materials"]] == [new["id"]]
    # the superseded licence cannot be renewed again
    again = await _create(client, me, old_id)
    assert again.status_code == 409 and again.json()["code"] == "licence_not_in_force"


async def test_a_renewal_acts_only_on_the_applicants_own_valid_licence_of_its_type(client, db):
    me = await applicant(client, "renewer3")
    other = await applicant(client, "lc-9")
    uid = me["user"]["id"]
    soon = today() + timedelta(days=30)
    theirs = await licence(db, other["user"]["id"], TYPE, "QC-THEIRS", valid_until=soon)
    wrong_type = await licence(db, uid, "ridehail_driver_qualification", "WJ-1", valid_until=soon)
    expired = await licence(db, uid, TYPE, "QC-EXPIRED", valid_until=today() - timedelta(days=1))
    mine = await licence(db, uid, TYPE, "QC-MINE", valid_until=soon)

    res = await _create(client, me, theirs)
    assert res.status_code == 404 and res.json()["code"] == "acted_licence_not_found"
    res = await _create(client, me, wrong_type)
    assert res.status_code == 422 and res.json()["code"] == "licence_type_mismatch"
    res = await _create(client, me, expired)  # F065: an expired licence is applied for again, not renewed
    assert res.status_code == 409 and res.json()["code"] == "licence_not_in_force"
    res = await _create(client, me, None)
    assert res.status_code == 422 and res.json()["code"] == "licence_choice_required"
    res = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "licenceId": mine, "form": {}})
    assert res.status_code == 422 and res.json()["code"] == "licence_choice_unexpected"

    # one filed case at a time per licence: a second renewal waits for the first to finish
    first = await _create(client, me, mine)
    second = await _create(client, me, mine)
    assert first.status_code == 201 and second.status_code == 201  # drafts block nothing
    filed = await client.post(f"{API}/applications/{first.json()['id']}/submit", headers=me["headers"])
    assert filed.json()["status"] == "approved"
    late = await client.post(f"{API}/applications/{second.json()['id']}/submit", headers=me["headers"])
    assert late.status_code == 409 and late.json()["code"] == "licence_not_in_force"  # already superseded
