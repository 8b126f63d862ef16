"""Two enterprises never see each other's cases, files, bookings or licences; the enterprise routes
answer each enterprise role as the table says (someone else's enterprise is 404, never 403). Their
bookings, ratings and complaints, and the enterprise roles on those routes: test_subject_bookings.py."""

from __future__ import annotations

from typing import Any

from tests.clock import use_clock
from tests.enterprises.helpers import (
    API, CITY, CITY_FORM, act_for, credit_code, enterprise, grant, verified, with_phone,
)
from tests.factories import staff
from tests.samples import JPG

A_CODE, B_CODE = credit_code("91330300MA2AAAAA1"), credit_code("91330300MA2BBBBB1")


async def _two(client, db) -> dict[str, Any]:
    a = await verified(client, "boss-a", "王大锤", "11010519800101125")
    b = await verified(client, "boss-b", "李四", "11010519850202123")
    clerk = await verified(client, "clerk-a", "陈小明", "11010519900303123")
    await with_phone(db, clerk, "13700002222")
    ent_a = await enterprise(client, a, A_CODE, "温州甲物流有限公司")
    ent_b = await enterprise(client, b, B_CODE, "温州乙物流有限公司")
    assert (await grant(client, a, ent_a, "13700002222", [CITY])).status_code == 201
    return {"a": a, "b": b, "clerk": clerk, "ent_a": ent_a, "ent_b": ent_b,
            "as_a": await act_for(client, a, ent_a), "as_b": await act_for(client, b, ent_b),
            "clerk_a": await act_for(client, clerk, ent_a)}


async def test_two_enterprises_never_see_each_others_cases_files_bookings_or_licences(client, db):
    use_clock(client, "2026-06-08 09:00")
    w = await _two(client, db)
    app_id = (await client.post(f"{API}/applications", headers=w["clerk_a"],
                                json={"serviceCode": CITY, "answers": {}, "form": CITY_FORM})).json()["id"]
    up = await client.put(f"{API}/applications/{app_id}/materials/city_route_plan", headers=w["clerk_a"],
                          files={"file": ("route.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    assert (await client.post(f"{API}/applications/{app_id}/submit", headers=w["clerk_a"])).status_code == 200
    approver = await staff(client, db, phone="13900003001", roles=["approver"], steps=["decide"])
    [task] = [t for t in (await client.get(f"{API}/tasks", headers=approver["headers"])).json()["items"]
              if t["applicationId"] == app_id]
    assert task["actedAs"] == "agent"
    res = await client.post(f"{API}/tasks/{task['id']}/decision", headers=approver["headers"],
                            json={"decision": "approve"})
    assert res.status_code == 200, res.text
    [lic] = (await client.get(f"{API}/licences", headers=w["as_a"])).json()

    for outsider in (w["as_b"], w["b"]["headers"], w["a"]["headers"], w["clerk"]["headers"]):
        assert (await client.get(f"{API}/applications", headers=outsider)).json() == []
        assert (await client.get(f"{API}/licences", headers=outsider)).json() == []
        assert (await client.get(f"{API}/appointments", headers=outsider)).json() in ([], {"items": []})
        for path in ("/ratings", "/complaints"):  # A's own: tests/enterprises/test_subject_bookings.py
            assert (await client.get(f"{API}{path}", headers=outsider)).json() == [], path
        for path in (f"/applications/{app_id}", f"/applications/{app_id}/materials/city_route_plan",
                     f"/licences/{lic['id']}/qr.png", f"/licences/{lic['id']}/verification-link"):
            assert (await client.get(f"{API}{path}", headers=outsider)).status_code == 404, path
        withdraw = await client.post(f"{API}/applications/{app_id}/withdraw", headers=outsider,
                                     json={"reason": "不办了"})
        assert withdraw.status_code == 404
    for insider in (w["as_a"], w["clerk_a"]):
        assert (await client.get(f"{API}/applications/{app_id}/materials/city_route_plan",
                                 headers=insider)).status_code == 200


# Enterprise roles against enterprise A's routes: "own" = reaches it, a number = that status.
OWN = "own"
ROLES = ("anonymous", "legal_rep_a", "agent_a", "legal_rep_b", "person")
ROUTES: list[tuple[str, str, dict[str, Any], tuple[Any, ...]]] = [
    #  method, path (A's enterprise), body,                                anon  rep A  agent A  rep B  person
    ("GET", "/enterprises/{a}", {}, (401, OWN, OWN, 404, 404)),
    ("GET", "/enterprises/{a}/agents", {}, (401, OWN, 404, 404, 404)),
    ("GET", "/enterprises/{a}/grant-events", {}, (401, OWN, 404, 404, 404)),
    ("POST", "/enterprises/{a}/agents", {"json": {"phone": "13700002222", "services": [CITY]}},
     (401, OWN, 404, 404, 404)),
    ("PUT", "/enterprises/{a}/agents/{clerk}", {"json": {"services": [CITY]}}, (401, OWN, 404, 404, 404)),
    ("POST", "/enterprises/{a}/licence-photo", {"files": {"file": ("l.jpg", JPG, "image/jpeg")}},
     (401, 409, 404, 404, 404)),  # A was confirmed by the registry: no photo expected
    ("POST", "/me/subjects/switch", {"json": {"enterpriseId": "{a}"}}, (401, OWN, OWN, 404, 404)),
    ("DELETE", "/enterprises/{a}/agents/{clerk}", {}, (401, OWN, 404, 404, 404)),
]


async def test_the_enterprise_routes_answer_each_enterprise_role_as_the_table_says(client, db):
    w = await _two(client, db)
    person = await verified(client, "person", "赵一", "11010519920404123")
    headers = {"anonymous": {}, "legal_rep_a": w["a"]["headers"], "agent_a": w["clerk"]["headers"],
               "legal_rep_b": w["b"]["headers"], "person": person["headers"]}
    wrong = []
    for method, path, body, expected in ROUTES:
        url = API + path.format(a=w["ent_a"], clerk=w["clerk"]["id"])
        if "json" in body and body["json"].get("enterpriseId") == "{a}":
            body = {"json": {"enterpriseId": w["ent_a"]}}
        # the legal representative goes last: a revocation must not hide what the others see
        for role, want in sorted(zip(ROLES, expected), key=lambda rw: rw[0] == "legal_rep_a"):
            res = await client.request(method, url, headers=headers[role], **body)
            ok = res.status_code not in (401, 403, 404) and res.status_code < 500 if want == OWN \
                else res.status_code == want
            if not ok:
                wrong.append(f"{method} {path} as {role}: {res.status_code}, expected {want} ({res.text[:100]})")
    assert not wrong, "\n".join(wrong)
