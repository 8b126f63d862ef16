"""An instant matter is decided automatically only on trusted data (issue 21): a photo uploaded in
place of a licence never yields an e-licence at once — the case waits for a person with the reason on
the task — and an issued licence records the evidence it rested on (FAQ F034, F056, F060, F099)."""

from __future__ import annotations

from tests.applications.helpers import as_enterprise, licence
from tests.factories import applicant, staff
from tests.licences.helpers import charter, charter_form, upload

API = "/api/v1"


async def test_a_jpg_uploaded_as_the_charter_permit_never_yields_an_instant_licence(client, db):
    me = await as_enterprise(client, db, await applicant(client, "charter-attack"), "温州顺达客运有限公司")  # F092
    app_id = await charter(client, me, charter_form())
    # the attack: photos in place of the 包车客运经营许可 and the vehicle's 道路运输证
    for code in ("charter_contract", "charter_licence", "vehicle_certificate"):
        await upload(client, me["headers"], app_id, code)
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "submitted" and body["licences"] == []
    assert await db.fetchval("SELECT count(*) FROM licences WHERE application_id = $1", app_id) == 0
    reason = next(e["note"] for e in body["timeline"] if e["kind"] == "material" and "人工核验" in (e["note"] or ""))
    assert reason.startswith("材料为上传件，需人工核验") and "包车客运经营许可证" in reason and "车辆道路运输证" in reason

    # the case reaches the first step's queue with the reason on the task
    approver = await staff(client, db, phone="13900002101", roles=["approver"], steps=["decide"])
    queue = await client.get(f"{API}/tasks", headers=approver["headers"])
    assert queue.status_code == 200, queue.text
    items = queue.json()["items"] if isinstance(queue.json(), dict) else queue.json()
    task = next(t for t in items if t["applicationId"] == app_id)
    assert task["manualReason"].startswith("材料为上传件，需人工核验")
    detail = await client.get(f"{API}/tasks/{task['id']}", headers=approver["headers"])
    assert detail.status_code == 200, detail.text
    states = {m["code"]: m["state"] for m in detail.json()["materials"]}
    assert states["charter_licence"] == "uploaded" and states["vehicle_certificate"] == "uploaded"


async def test_trusted_licences_decide_at_once_and_the_licence_records_its_evidence(client, db):
    me = await applicant(client, "charter-trusted")
    uid = me["user"]["id"]
    permit = await licence(db, uid, "charter_permit", "浙交运管包字330300001号", name="包车客运经营许可证")
    cert = await licence(db, uid, "road_transport_certificate", "浙交运管温字330300123456号", name="道路运输证")
    await db.execute("UPDATE licences SET subject = '浙C88888' WHERE id = $1", cert)
    me = await as_enterprise(client, db, me, "温州顺达客运有限公司")  # F092: the charter company files
    app_id = await charter(client, me, charter_form())
    await upload(client, me["headers"], app_id, "charter_contract")
    res = await client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    body = res.json()
    assert body["status"] == "approved", body.get("gapNotice")
    exempt = {m["code"]: m for m in body["materials"] if m["exempt"]}
    assert exempt["charter_licence"]["exemptLicenceId"] == permit
    assert "本系统电子证照库" in exempt["charter_licence"]["exemptReason"]
    evidence = await db.fetchval("SELECT evidence FROM licences WHERE application_id = $1", app_id)
    by_code = {e["material"]: e for e in evidence["materials"]}
    assert by_code["charter_licence"]["licenceId"] == permit and by_code["charter_licence"]["source"] == "library"
    assert by_code["vehicle_certificate"]["licenceId"] == cert
    assert by_code["charter_contract"]["kind"] == "upload" and evidence["automatic"] is True


async def test_a_vehicle_certificate_of_another_plate_does_not_exempt(client, db):
    me = await applicant(client, "charter-plate")
    uid = me["user"]["id"]
    await licence(db, uid, "charter_permit", "浙交运管包字330300002号", name="包车客运经营许可证")
    cert = await licence(db, uid, "road_transport_certificate", "浙交运管温字330300654321号", name="道路运输证")
    await db.execute("UPDATE licences SET subject = '浙C11111' WHERE id = $1", cert)
    me = await as_enterprise(client, db, me, "温州顺达客运有限公司")  # F092: the charter company files
    app_id = await charter(client, me, charter_form("浙C88888"))
    view = (await client.get(f"{API}/applications/{app_id}", headers=me["headers"])).json()
    exempt = {m["code"] for m in view["materials"] if m["exempt"]}
    assert "charter_licence" in exempt and "vehicle_certificate" not in exempt
    # the same certificate exempts once the form names its plate
    res = await client.patch(f"{API}/applications/{app_id}", headers=me["headers"], json={"form": {"plateNo": "浙C11111"}})
    assert res.status_code == 200, res.text
    assert {m["code"] for m in res.json()["materials"] if m["exempt"]} >= {"vehicle_certificate"}
