"""Printing at the console (issue 22, F057/F045): a charter plate comes out as the A4 landscape plate
with its verification QR, signed; staff who may not read the case learn nothing."""

from __future__ import annotations

import io

import pypdf

from api.documents import keys, sign
from tests.applications.helpers import as_enterprise, licence
from tests.console.helpers import account, sign_in
from tests.factories import applicant, run_jobs
from tests.licences.helpers import charter, charter_form, upload


async def test_a_lead_prints_a_charter_plate_and_an_approver_of_another_step_cannot(client, db, settings):
    me = await applicant(client, "doc-d")
    uid = me["user"]["id"]
    await licence(db, uid, "charter_permit", "浙交运管包字330300077号", name="包车客运经营许可证")
    cert = await licence(db, uid, "road_transport_certificate", "浙交运管温字330300777777号", name="道路运输证")
    await db.execute("UPDATE licences SET subject = '浙C77777' WHERE id = $1", cert)
    me = await as_enterprise(client, db, me, "温州顺达客运有限公司")  # F092: the charter company files
    app_id = await charter(client, me, charter_form("浙C77777"))
    await upload(client, me["headers"], app_id, "charter_contract")
    body = (await client.post(f"/api/v1/applications/{app_id}/submit", headers=me["headers"])).json()
    assert body["status"] == "approved", body
    plate = body["licences"][0]
    await run_jobs(settings)

    await account(db, phone="13900008801", roles=["lead"], steps=["decide"], name="包车科长")
    assert (await sign_in(client, "13900008801")).status_code == 200
    listing = await client.get(f"/console/cases/{app_id}/documents")
    assert listing.status_code == 200, listing.text
    assert plate["number"] in listing.text and "标志牌（A4 横向" in listing.text
    doc_id = await db.fetchval("SELECT id FROM documents WHERE licence_id = $1", plate["id"])
    printed = await client.get(f"/console/cases/{app_id}/documents/{doc_id}/print")
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.headers["content-disposition"].startswith("inline")
    assert (await sign.check(printed.content, keys.paths(settings)[1])).valid
    page = pypdf.PdfReader(io.BytesIO(printed.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape, for the windscreen
    text = page.extract_text()
    for words in ("包车客运标志牌", "浙C77777", "温州", "杭州", "执法检查扫码核验"):
        assert words in text, words

    client.cookies.clear()
    await account(db, phone="13900008802", roles=["approver"], steps=["accept"], name="受理员")
    assert (await sign_in(client, "13900008802")).status_code == 200
    assert (await client.get(f"/console/cases/{app_id}/documents")).status_code == 404
    assert (await client.get(f"/console/cases/{app_id}/documents/{doc_id}/print")).status_code == 404
