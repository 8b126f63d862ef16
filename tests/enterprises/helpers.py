"""Verified people, enterprises and the acting subject, all through the API; the casts of the acting (F091),
代办 (F093) and subject-bookings (issue 20) tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stdnum.cn import ric, uscc

from api.clock import today
from tests.applications.helpers import licence
from tests.appointments.helpers import admin as appointment_admin
from tests.appointments.helpers import generate, slot_at
from tests.factories import applicant, bearer
from tests.ratings.helpers import finished_application
from tests.samples import PNG

API = "/api/v1"


def rid(first17: str) -> str:
    """A resident ID with its check digit."""
    return first17 + ric.calc_check_digit(first17 + "0")  # it skips the last character


def credit_code(first17: str) -> str:
    """A unified social credit code with its check character."""
    return first17 + uscc.calc_check_digit(first17)


async def verified(client: Any, login: str, name: str, id_first17: str, phone: str | None = None) -> dict[str, Any]:
    """An account verified through the sandbox face flow, logged in again so its token says so;
    ``phone`` binds one (the 经办人 invitation names people by phone)."""
    res = await client.post(f"{API}/auth/wechat", json={"code": f"dev-{login}"})
    assert res.status_code == 200, res.text
    headers = bearer(res.json()["accessToken"])
    number = rid(id_first17)
    started = await client.post(f"{API}/me/identity/verifications", headers=headers,
                                json={"name": name, "idNumber": number})
    assert started.status_code == 201, started.text
    done = await client.post(f"{API}/me/identity/verifications/{started.json()['id']}/result", headers=headers)
    assert done.status_code == 200 and done.json()["verified"], done.text
    res = await client.post(f"{API}/auth/wechat", json={"code": f"dev-{login}"})
    body = res.json()
    body.update(headers=bearer(body["accessToken"]), name=name, id_number=number, id=body["user"]["id"])
    return body


async def with_phone(db: Any, who: dict[str, Any], phone: str) -> None:
    # the phone binding flow (a WeChat phone-number code) is the auth area's; the account just has one here
    await db.execute("UPDATE users SET phone = $2 WHERE id = $1", who["id"], phone)


async def register(client: Any, who: dict[str, Any], code: str, name: str,
                   kind: str = "company", **changes: Any) -> Any:
    body = {"creditCode": code, "name": name, "kind": kind, "legalRepName": who["name"],
            "legalRepIdNumber": who["id_number"], **changes}
    return await client.post(f"{API}/enterprises", headers=who["headers"], json=body)


async def enterprise(client: Any, who: dict[str, Any], code: str, name: str, kind: str = "company") -> int:
    res = await register(client, who, code, name, kind)
    assert res.status_code == 201 and res.json()["status"] == "verified", res.text
    return res.json()["id"]


async def act_for(client: Any, who: dict[str, Any], enterprise_id: int | None) -> dict[str, str]:
    """Headers acting for the enterprise (None: as the person)."""
    res = await client.post(f"{API}/me/subjects/switch", headers=who["headers"], json={"enterpriseId": enterprise_id})
    assert res.status_code == 200, res.text
    return bearer(res.json()["accessToken"])


async def grant(client: Any, rep: dict[str, Any], enterprise_id: int, phone: str, services: list[str] | None) -> Any:
    body = {"phone": phone, "allServices": services is None, "services": services or []}
    return await client.post(f"{API}/enterprises/{enterprise_id}/agents", headers=rep["headers"], json=body)


# F091 (test_acting.py): 温州顺达物流有限公司, its legal representative and the 经办人 they grant services to,
# filing a city-road permit in its name.
SHUNDA = credit_code("91330300MA2ABCDE1")
CITY = "city-road-special-vehicle"
CITY_FORM = {"companyName": "随便填的公司", "plateNo": "浙C12345", "cityRoute": "瓯江路—学院路",
             "startDate": "2026-06-10", "endDate": "2026-07-10"}
CLERK_PHONE = "13700002222"


async def people(client: Any, db: Any) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The legal representative and a 经办人 (with a phone), and 顺达 verified: (boss, clerk, its id)."""
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    clerk = await verified(client, "clerk", "李小二", "11010519850202123")
    await with_phone(db, clerk, CLERK_PHONE)
    ent = await enterprise(client, boss, SHUNDA, "温州顺达物流有限公司")
    return boss, clerk, ent


async def file(client: Any, headers: dict[str, str], service: str = CITY, form: dict[str, Any] = CITY_FORM,
               answers: dict[str, Any] | None = None) -> int:
    """A draft of ``service`` (the city-road permit by default) created with ``headers``: its id."""
    res = await client.post(f"{API}/applications", headers=headers,
                            json={"serviceCode": service, "answers": answers or {}, "form": form})
    assert res.status_code == 201, res.text
    return res.json()["id"]


# F093 代办 (test_agency_filing.py). F092: a freight vehicle's certificate is an enterprise's now; a person's own
# matter filed for them is the renewal of their ship's operating certificate (F061: 船舶所有人, either holder),
# an instant matter
PRINCIPAL_PHONE = "13700002222"
SHIP_COMPANY = "91330302MA2H8Q1B2" + uscc.calc_check_digit("91330302MA2H8Q1B2")
SHIP_CERT_NO = "浙温港航营字0001号"
_SHIP_CERT_EXPIRY = today() + timedelta(days=40)
_SHIP_FORM = {"companyName": "温州顺达货运有限公司", "creditCode": SHIP_COMPANY, "shipName": "浙温州货1234",
              "certNo": SHIP_CERT_NO, "certExpiry": _SHIP_CERT_EXPIRY.isoformat(),
              "deliveryAddress": "温州市鹿城区车站大道1号"}


async def pair(client: Any, db: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The principal (a verified person with a phone and the vehicle's licences) and the agent."""
    principal = await applicant(client, "laowang")
    principal["id"] = principal["user"]["id"]
    await with_phone(db, principal, PRINCIPAL_PHONE)
    await licence(db, principal["id"], "ship_operating_certificate", SHIP_CERT_NO, valid_until=_SHIP_CERT_EXPIRY,
                  name="船舶营运证")
    return principal, await applicant(client, "xiaowang")


def filing_body(principal: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The body of a 代办 filing of the principal's ship certificate renewal (``changes`` replace fields)."""
    return {"serviceCode": "ship-operating-cert", "answers": {"shipChanged": "no"},
            "form": _SHIP_FORM, "principalName": principal["identity"]["name"],
            "principalIdNumber": principal["identity"]["idNumber"], "principalPhone": PRINCIPAL_PHONE, **changes}


# Issue 20 (test_subject_bookings.py): two enterprises and a 经办人 of A, with bookings, ratings and complaints.
FREIGHT, DANGER = "freight-operating-permit", "dangerous-goods-permit"
_CENTRE = "city-service-centre"
_WORLD_A_CODE, _WORLD_B_CODE = credit_code("91330300MA2CCCCC1"), credit_code("91330300MA2DDDDD1")
_WORLD_CLERK_PHONE, _WORLD_CLERK2_PHONE = "13700004444", "13700005555"


async def world(client: Any, db: Any, *, second_clerk: bool = False, capacity: int = 5) -> dict[str, Any]:
    """Enterprise A (its 经办人 granted freight only; a second with every service) and enterprise B,
    and the freight and dangerous-goods slots of Monday 2026-06-08 at the city centre."""
    a = await verified(client, "sub-boss-a", "王大锤", "11010519800101125")
    b = await verified(client, "sub-boss-b", "李四", "11010519850202123")
    clerk = await verified(client, "sub-clerk-a", "陈小明", "11010519900303123")
    await with_phone(db, clerk, _WORLD_CLERK_PHONE)
    ent_a = await enterprise(client, a, _WORLD_A_CODE, "温州丙物流有限公司")
    ent_b = await enterprise(client, b, _WORLD_B_CODE, "温州丁物流有限公司")
    assert (await grant(client, a, ent_a, _WORLD_CLERK_PHONE, [FREIGHT])).status_code == 201
    w = {"a": a, "b": b, "clerk": clerk, "ent_a": ent_a, "as_a": await act_for(client, a, ent_a),
         "as_b": await act_for(client, b, ent_b), "clerk_a": await act_for(client, clerk, ent_a)}
    if second_clerk:
        clerk2 = await verified(client, "sub-clerk2-a", "赵一", "11010519920404123")
        await with_phone(db, clerk2, _WORLD_CLERK2_PHONE)
        assert (await grant(client, a, ent_a, _WORLD_CLERK2_PHONE, None)).status_code == 201
        w.update(clerk2=clerk2, clerk2_a=await act_for(client, clerk2, ent_a))
    w["admin"] = await appointment_admin(client, db)
    for service in (FREIGHT, DANGER):
        await generate(client, w["admin"]["headers"], site=_CENTRE, service=service, day_from="2026-06-08",
                       capacity=capacity)
    return w


async def slot(client: Any, w: dict[str, Any], service: str, at: str) -> int:
    """The id of the ``world``'s slot of ``service`` at ``at`` on Monday 2026-06-08."""
    return (await slot_at(client, w["admin"]["headers"], service, f"2026-06-08 {at}"))["id"]


async def book(client: Any, headers: dict[str, str], slot_id: int, case: int | None = None) -> Any:
    """Book the slot with ``headers`` (for ``case`` if given): the response."""
    body: dict[str, Any] = {"slotId": slot_id, **({"applicationId": case} if case else {})}
    return await client.post(f"{API}/appointments", headers=headers, json=body)


async def enterprise_case(db: Any, user_id: int, enterprise_id: int, **kw: Any) -> int:
    """A freight case the 经办人 filed for the enterprise, walked through the real state machine."""
    app_id = await finished_application(db, user_id, service_code=FREIGHT, **kw)
    await db.execute("UPDATE applications SET enterprise_id = $2 WHERE id = $1", app_id, enterprise_id)
    return app_id


async def things_of_a(client: Any, db: Any, w: dict[str, Any]) -> dict[str, int]:
    """The 经办人, acting for A, books a freight window, rates A's finished case and complains about it
    with a picture."""
    booked = await book(client, w["clerk_a"], await slot(client, w, FREIGHT, "09:00"))
    assert booked.status_code == 201, booked.text
    case = await enterprise_case(db, w["clerk"]["id"], w["ent_a"])
    rated = await client.post(f"{API}/ratings", headers=w["clerk_a"],
                              json={"targetType": "application", "targetId": case, "level": 2, "comment": "慢"})
    assert rated.status_code == 201, rated.text
    up = await client.post(f"{API}/complaints/attachments", files={"file": ("scene.png", PNG, "image/png")},
                           headers=w["clerk_a"])
    assert up.status_code == 201, up.text
    filed = await client.post(f"{API}/complaints", headers=w["clerk_a"], json={
        "category": "complaint", "targetType": "application", "targetId": case,
        "text": "公司的货运许可办了很久。", "attachments": [up.json()["id"]]})
    assert filed.status_code == 201, filed.text
    return {"appointment": booked.json()["id"], "rating": rated.json()["id"], "complaint": filed.json()["id"],
            "attachment": up.json()["id"], "case": case, "slot": await slot(client, w, FREIGHT, "11:00")}
