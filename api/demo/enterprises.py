"""The demo's enterprises and 经办人 (issue 20): the demo people who hold businesses' permits (each a
verified person, ``Demo.login_applicant``) register their company as its legal representative (the
sandbox registry confirms it) and file as it; 赵一 is the 经办人 of 钱二's company and files its
permit. Every step goes through the API, as the rest of the demo; each is idempotent."""

from __future__ import annotations

from typing import Any

AGENT_PHONE = "13700000001"  # 赵一's phone, bound through the sandbox phone code


async def enterprise(d: Any, who: str, people: Any, credit_code: str, company: str) -> int:
    """``who``'s company, registered once by them (``people``: the demo's names and ID numbers by login)."""
    for e in await d.call("GET", "/enterprises", who, 200):
        if e["creditCode"] == credit_code:
            return e["id"]
    made = await d.call("POST", "/enterprises", who, 201, json={
        "creditCode": credit_code, "name": company, "kind": "company", "legalRepName": people[0][who],
        "legalRepIdNumber": people[1][who]})
    d.count("enterprises")
    return made["id"]


async def act_for(d: Any, who: str, enterprise_id: int) -> str:
    """The key of ``who``'s headers acting for the enterprise."""
    switched = await d.call("POST", "/me/subjects/switch", who, 200, json={"enterpriseId": enterprise_id})
    key = f"{who}@{enterprise_id}"
    d.headers[key] = {"Authorization": f"Bearer {switched['accessToken']}"}
    return key


async def as_company(d: Any, who: str, people: Any, credit_code: str, company: str) -> str:
    return await act_for(d, who, await enterprise(d, who, people, credit_code, company))


async def agent_of(d: Any, rep: str, enterprise_id: int, agent: str, services: list[str]) -> str:
    """``agent`` made the 经办人 of ``rep``'s enterprise for ``services``; their acting key."""
    await d.call("POST", "/me/phone", agent, 200, json={"code": f"dev-{AGENT_PHONE}"})
    agents = await d.call("GET", f"/enterprises/{enterprise_id}/agents", rep, 200)
    if not any(a["active"] for a in agents):
        await d.call("POST", f"/enterprises/{enterprise_id}/agents", rep, 201,
                     json={"phone": AGENT_PHONE, "services": services})
        d.count("agents")
    return await act_for(d, agent, enterprise_id)
