"""The demo's enterprises and 经办人 (issue 20): the demo people who hold businesses' permits verify
themselves (sandbox face flow), register their company as its legal representative (the sandbox
registry confirms it) and file as it; 赵一 is the 经办人 of 钱二's company and files its permit.
Every step goes through the API, as the rest of the demo; each is idempotent."""

from __future__ import annotations

from typing import Any

from stdnum.cn import ric

# (name, first 17 digits of the resident ID) of the demo people; the check digit is computed
DEMO_PEOPLE = {
    "dev-demo-zhao": ("赵一", "11010119900307451"), "dev-demo-qian": ("钱二", "11010519800101125"),
    "dev-demo-sun": ("孙三", "11010519850202123"), "dev-demo-li": ("李四", "11010519900303123"),
    "dev-demo-zhou": ("周五", "11010519920404123"),
}
AGENT_PHONE = "13700000001"  # 赵一's phone, bound through the sandbox phone code


def id_number(who: str) -> str:
    first17 = DEMO_PEOPLE[who][1]
    return first17 + ric.calc_check_digit(first17 + "0")


async def verified(d: Any, who: str) -> None:
    """The demo person verified as themself (no change when they already are)."""
    mine = await d.call("GET", "/me/identity", who, 200)
    if mine["verified"]:
        return
    name = DEMO_PEOPLE[who][0]
    started = await d.call("POST", "/me/identity/verifications", who, 201,
                           json={"name": name, "idNumber": id_number(who)})
    await d.call("POST", f"/me/identity/verifications/{started['id']}/result", who, 200)
    await d.login_applicant(who)  # a fresh token carries the verified claim


async def enterprise(d: Any, who: str, credit_code: str, company: str) -> int:
    """``who``'s company, registered once by them as its legal representative."""
    await verified(d, who)
    for e in await d.call("GET", "/enterprises", who, 200):
        if e["creditCode"] == credit_code:
            return e["id"]
    made = await d.call("POST", "/enterprises", who, 201, json={
        "creditCode": credit_code, "name": company, "kind": "company", "legalRepName": DEMO_PEOPLE[who][0],
        "legalRepIdNumber": id_number(who)})
    d.count("enterprises")
    return made["id"]


async def act_for(d: Any, who: str, enterprise_id: int) -> str:
    """The key of ``who``'s headers acting for the enterprise."""
    switched = await d.call("POST", "/me/subjects/switch", who, 200, json={"enterpriseId": enterprise_id})
    key = f"{who}@{enterprise_id}"
    d.headers[key] = {"Authorization": f"Bearer {switched['accessToken']}"}
    return key


async def as_company(d: Any, who: str, credit_code: str, company: str) -> str:
    return await act_for(d, who, await enterprise(d, who, credit_code, company))


async def agent_of(d: Any, rep: str, enterprise_id: int, agent: str, services: list[str]) -> str:
    """``agent`` made the 经办人 of ``rep``'s enterprise for ``services``; their acting key."""
    await verified(d, agent)
    await d.call("POST", "/me/phone", agent, 200, json={"code": f"dev-{AGENT_PHONE}"})
    agents = await d.call("GET", f"/enterprises/{enterprise_id}/agents", rep, 200)
    if not any(a["active"] for a in agents):
        await d.call("POST", f"/enterprises/{enterprise_id}/agents", rep, 201,
                     json={"phone": AGENT_PHONE, "services": services})
        d.count("agents")
    return await act_for(d, agent, enterprise_id)
