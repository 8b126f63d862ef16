"""Verified people, enterprises and the acting subject, all through the API."""

from __future__ import annotations

from typing import Any

from stdnum.cn import ric, uscc

from tests.factories import bearer

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
