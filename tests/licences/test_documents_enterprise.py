"""An enterprise's licence file (issue 22 with issue 20): printed with the enterprise's registered name
and credit code, in the F045 permit layout for a road permit, and downloaded as the library allows:
by whoever acts for the enterprise, not by the same people acting as themselves."""

from __future__ import annotations

import io

import pypdf

from api.documents import keys, sign
from tests.clock import use_clock
from tests.enterprises.helpers import API, SHUNDA, act_for, file, people
from tests.factories import run_jobs, staff
from tests.samples import JPG


async def test_an_enterprise_licence_file_names_the_enterprise_and_follows_the_library_gating(client, db, settings):
    use_clock(client, "2026-06-08 09:00")
    boss, clerk, ent = await people(client, db)
    boss_ent = await act_for(client, boss, ent)
    app_id = await file(client, boss_ent)
    up = await client.put(f"{API}/applications/{app_id}/materials/city_route_plan", headers=boss_ent,
                          files={"file": ("route.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    assert (await client.post(f"{API}/applications/{app_id}/submit", headers=boss_ent)).status_code == 200
    approver = await staff(client, db, phone="13900003101", roles=["approver"], steps=["decide"])
    [task] = [t for t in (await client.get(f"{API}/tasks", headers=approver["headers"])).json()["items"]
              if t["applicationId"] == app_id]
    res = await client.post(f"{API}/tasks/{task['id']}/decision", headers=approver["headers"],
                            json={"decision": "approve"})
    assert res.status_code == 200 and res.json()["applicationStatus"] == "approved", res.text
    [lic] = (await client.get(f"{API}/licences", headers=boss_ent)).json()
    await run_jobs(settings)

    got = await client.get(f"{API}/licences/{lic['id']}/documents/latest.pdf", headers=boss_ent)
    assert got.status_code == 200, got.text
    assert (await sign.check(got.content, keys.paths(settings)[1])).valid
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(got.content)).pages).replace("\n", "")
    for words in ("特殊车辆城市道路通行证", "温州顺达物流有限公司", "浙C12345", "瓯江路—学院路", "通行期限",
                  "须按本证核定的车辆"):
        assert words in text, words
    assert "随便填的公司" not in text and SHUNDA in text
    for person in (boss["headers"], clerk["headers"]):  # the same people acting as themselves
        res = await client.get(f"{API}/licences/{lic['id']}/documents/latest.pdf", headers=person)
        assert res.status_code == 404 and res.json()["code"] == "document_not_found"
