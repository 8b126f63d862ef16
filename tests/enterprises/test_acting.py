"""F091: an 经办人 switches to the enterprise and files in its name; the licence lands in the
enterprise's library; the legal representative changes or revokes the grant, effective at once."""

from __future__ import annotations

from tests.clock import use_clock
from tests.console.helpers import account, sign_in
from tests.enterprises.helpers import API, CITY, CITY_FORM, CLERK_PHONE, SHUNDA, act_for, file, grant, people
from tests.factories import staff
from tests.samples import JPG


async def test_an_agent_files_in_the_enterprises_name_and_the_licence_lands_in_its_library(client, db):
    use_clock(client, "2026-06-08 09:00")
    boss, clerk, ent = await people(client, db)
    granted = await grant(client, boss, ent, CLERK_PHONE, [CITY])
    assert granted.status_code == 201 and granted.json()["services"] == [CITY], granted.text
    subjects = (await client.get(f"{API}/me/subjects", headers=clerk["headers"])).json()
    assert [(s["kind"], s.get("role"), s.get("services")) for s in subjects] == [
        ("person", None, None), ("enterprise", "agent", [CITY])]
    as_ent = await act_for(client, clerk, ent)

    app_id = await file(client, as_ent)
    case = (await client.get(f"{API}/applications/{app_id}", headers=as_ent)).json()
    assert case["form"]["companyName"] == "温州顺达物流有限公司"  # the verified name, not the typed one
    assert await db.fetchval("SELECT enterprise_id FROM applications WHERE id = $1", app_id) == ent
    up = await client.put(f"{API}/applications/{app_id}/materials/city_route_plan", headers=as_ent,
                          files={"file": ("route.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    sent = await client.post(f"{API}/applications/{app_id}/submit", headers=as_ent)
    assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.text

    # the case is the enterprise's: not in the clerk's own list, in the legal representative's as the enterprise
    assert (await client.get(f"{API}/applications", headers=clerk["headers"])).json() == []
    assert (await client.get(f"{API}/applications/{app_id}", headers=clerk["headers"])).status_code == 404
    boss_ent = await act_for(client, boss, ent)
    assert [a["id"] for a in (await client.get(f"{API}/applications", headers=boss_ent)).json()] == [app_id]

    # staff see the subject and who acted
    approver = await staff(client, db, phone="13900003001", roles=["approver"], steps=["decide"])
    tasks = (await client.get(f"{API}/tasks", headers=approver["headers"])).json()["items"]
    [task] = [t for t in tasks if t["applicationId"] == app_id]
    assert task["subjectKind"] == "enterprise" and task["applicant"] == "温州顺达物流有限公司"
    assert task["subjectCreditCode"] == SHUNDA and task["actedAs"] == "agent" and task["actedBy"] == "李**"
    res = await client.post(f"{API}/tasks/{task['id']}/decision", headers=approver["headers"],
                            json={"decision": "approve"})
    assert res.status_code == 200, res.text
    assert res.json()["applicationStatus"] == "approved", res.text

    library = (await client.get(f"{API}/licences", headers=as_ent)).json()
    assert [lic["type"] for lic in library] == ["city_road_permit"]
    assert [lic["id"] for lic in (await client.get(f"{API}/licences", headers=boss_ent)).json()] == \
        [library[0]["id"]]
    for own in (clerk["headers"], boss["headers"]):  # neither person holds it themself
        assert (await client.get(f"{API}/licences", headers=own)).json() == []
    assert await db.fetchval("SELECT enterprise_id FROM licences WHERE id = $1", library[0]["id"]) == ent
    qr = await client.get(f"{API}/licences/{library[0]['id']}/qr.png", headers=boss_ent)
    assert qr.status_code == 200
    assert (await client.get(f"{API}/licences/{library[0]['id']}/qr.png", headers=boss["headers"])).status_code == 404


async def test_revoking_an_agent_ends_access_on_the_next_request_and_drafts_stay_with_the_enterprise(client, db):
    boss, clerk, ent = await people(client, db)
    await grant(client, boss, ent, CLERK_PHONE, None)  # all services
    as_ent = await act_for(client, clerk, ent)
    draft = await file(client, as_ent)
    assert (await client.get(f"{API}/applications/{draft}", headers=as_ent)).status_code == 200

    res = await client.delete(f"{API}/enterprises/{ent}/agents/{clerk['id']}", headers=boss["headers"])
    assert res.status_code == 200 and res.json()["active"] is False, res.text
    # the same token, its very next request: the enterprise's cases are gone for the clerk
    assert (await client.get(f"{API}/applications/{draft}", headers=as_ent)).status_code == 404
    assert (await client.get(f"{API}/applications", headers=as_ent)).json() == []
    patched = await client.patch(f"{API}/applications/{draft}", headers=as_ent, json={"form": {"plateNo": "浙C54321"}})
    assert patched.status_code == 404
    refused = await client.post(f"{API}/applications", headers=as_ent,
                                json={"serviceCode": CITY, "answers": {}, "form": CITY_FORM})
    assert refused.status_code == 403 and refused.json()["code"] == "service_not_granted"
    assert (await client.post(f"{API}/me/subjects/switch", headers=clerk["headers"],
                              json={"enterpriseId": ent})).status_code == 404
    # the draft stays with the enterprise
    boss_ent = await act_for(client, boss, ent)
    assert (await client.get(f"{API}/applications/{draft}", headers=boss_ent)).status_code == 200

    events = (await client.get(f"{API}/enterprises/{ent}/grant-events", headers=boss["headers"])).json()
    assert [(e["action"], e["agentId"], e["allServices"]) for e in events] == [
        ("grant", clerk["id"], True), ("revoke", clerk["id"], True)]
    # only the legal representative reads the trail and changes grants
    assert (await client.get(f"{API}/enterprises/{ent}/grant-events", headers=clerk["headers"])).status_code == 404


async def test_an_agent_sees_only_the_cases_of_the_services_granted_and_a_change_holds_at_once(client, db):
    boss, clerk, ent = await people(client, db)
    await grant(client, boss, ent, CLERK_PHONE, [CITY])
    boss_ent = await act_for(client, boss, ent)
    plate = await file(client, boss_ent, "temporary-plate", {"companyName": "x", "deliveryAddress": "温州市鹿城区1号"},
                       {"unplated": "no"})
    city = await file(client, boss_ent)
    as_ent = await act_for(client, clerk, ent)
    assert [a["id"] for a in (await client.get(f"{API}/applications", headers=as_ent)).json()] == [city]
    assert (await client.get(f"{API}/applications/{plate}", headers=as_ent)).status_code == 404
    refused = await client.post(f"{API}/applications", headers=as_ent, json={
        "serviceCode": "temporary-plate", "answers": {"unplated": "no"}, "form": {"deliveryAddress": "温州"}})
    assert refused.status_code == 403 and refused.json()["code"] == "service_not_granted"

    changed = await client.put(f"{API}/enterprises/{ent}/agents/{clerk['id']}", headers=boss["headers"],
                               json={"services": ["temporary-plate"]})
    assert changed.status_code == 200 and changed.json()["services"] == ["temporary-plate"], changed.text
    assert [a["id"] for a in (await client.get(f"{API}/applications", headers=as_ent)).json()] == [plate]
    assert (await client.get(f"{API}/applications/{city}", headers=as_ent)).status_code == 404
    agents = (await client.get(f"{API}/enterprises/{ent}/agents", headers=boss["headers"])).json()
    assert [(a["name"], a["phoneMasked"], a["services"]) for a in agents] == [
        ("李小二", "137****2222", ["temporary-plate"])]
    events = (await client.get(f"{API}/enterprises/{ent}/grant-events", headers=boss["headers"])).json()
    assert [(e["action"], e["services"]) for e in events] == [("grant", [CITY]), ("change", ["temporary-plate"])]


async def test_only_a_verified_person_with_an_account_can_be_made_an_agent(client, db):
    boss, clerk, ent = await people(client, db)
    retried = [await client.post(f"{API}/enterprises/{ent}/agents", headers={**boss["headers"], "Idempotency-Key": "k1"},
                                 json={"phone": CLERK_PHONE, "services": [CITY]}) for _ in range(2)]
    assert [r.status_code for r in retried] == [201, 201] and retried[0].json() == retried[1].json()
    events = (await client.get(f"{API}/enterprises/{ent}/grant-events", headers=boss["headers"])).json()
    assert [e["action"] for e in events] == ["grant"]  # the retry recorded nothing more
    res = await grant(client, boss, ent, "13700009999", [CITY])
    assert res.status_code == 404 and res.json()["code"] == "agent_not_found"
    res = await client.post(f"{API}/auth/wechat", json={"code": "dev-unverified"})
    await db.execute("UPDATE users SET phone = '13700003333' WHERE id = $1", res.json()["user"]["id"])
    res = await grant(client, boss, ent, "13700003333", [CITY])
    assert res.status_code == 409 and res.json()["code"] == "agent_not_verified"
    res = await grant(client, boss, ent, CLERK_PHONE, ["no-such-service"])
    assert res.status_code == 422 and res.json()["code"] == "unknown_services"
    res = await grant(client, clerk, ent, CLERK_PHONE, [CITY])  # not the legal representative
    assert res.status_code == 404 and res.json()["code"] == "enterprise_not_found"


async def test_the_console_task_page_shows_the_subject_and_who_acted(client, db):
    boss, clerk, ent = await people(client, db)
    await grant(client, boss, ent, CLERK_PHONE, [CITY])
    as_ent = await act_for(client, clerk, ent)
    app_id = await file(client, as_ent)
    await client.put(f"{API}/applications/{app_id}/materials/city_route_plan", headers=as_ent,
                     files={"file": ("route.jpg", JPG, "image/jpeg")})
    assert (await client.post(f"{API}/applications/{app_id}/submit", headers=as_ent)).status_code == 200
    await account(db, phone="13900003002", roles=["approver"], steps=["decide"])
    assert (await sign_in(client, "13900003002")).status_code in (200, 204)
    await client.get("/console/tasks")  # the queue opens the case's task
    task_id = await db.fetchval("SELECT id FROM approval_tasks WHERE application_id = $1", app_id)
    page = await client.get(f"/console/tasks/{task_id}")
    assert page.status_code == 200, page.text
    assert f"企业（统一社会信用代码 {SHUNDA}）" in page.text and "经办人：李**" in page.text
    assert "温州顺达物流有限公司" in page.text
