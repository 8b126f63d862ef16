"""Plain async helpers for the appointment tests: people, slots (the clock: tests/clock.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arq import create_pool

from api.auth.service.accounts import q as auth_q
from api.identity import service as identity
from jobs import redis_settings
from tests.clock import sh
from tests.factories import bearer, person_of, run_jobs, staff

API = "/api/v1"


async def people(client: Any, db: Any, n: int, prefix: str) -> list[dict[str, Any]]:
    """Verified applicants created directly (the login route is rate limited per address) with real
    tokens carrying the verified claim (F088), each recorded as a person (tests/factories.person_of)."""
    auth = client.app.state.jwt_auth
    out = []
    for i in range(n):
        row = await auth_q.upsert_wechat_user(db, openid=f"{prefix}-{i}", unionid=None)
        name, number = person_of(f"{prefix}-{i}")
        await identity.record_verified(db, user_id=row["id"], name=name, id_type="resident_id", id_number=number,
                                       method="face", evidence={}, verified_by=None)
        token = auth.create_token(identifier=str(row["id"]),
                                  token_extras={"typ": "access", "roles": ["applicant"], "steps": [], "idv": True})
        out.append({"id": row["id"], "headers": bearer(token)})
    return out


async def admin(client: Any, db: Any) -> dict[str, Any]:
    return await staff(client, db, phone="13900009001", roles=["admin"], name="预约管理员")


async def site_id(client: Any, headers: dict[str, str], code: str) -> int:
    res = await client.get(f"{API}/sites", headers=headers)
    assert res.status_code == 200, res.text
    return next(s["id"] for s in res.json() if s["code"] == code)


async def generate(client: Any, headers: dict[str, str], *, site: str, service: str, day_from: str,
                   day_to: str | None = None, capacity: int | None = None, release_at: str | None = None) -> None:
    sid = await site_id(client, headers, site)
    body: dict[str, Any] = {"siteId": sid, "serviceCode": service, "dateFrom": day_from, "dateTo": day_to or day_from}
    if capacity:
        body["capacity"] = capacity
    if release_at:
        body["releaseAt"] = sh(release_at).isoformat()
    res = await client.post(f"{API}/admin/slots/generate", json=body, headers=headers)
    assert res.status_code == 200, res.text


async def slots(client: Any, headers: dict[str, str], service: str, day: str) -> list[dict[str, Any]]:
    res = await client.get(f"{API}/slots", params={"serviceCode": service, "date": day}, headers=headers)
    assert res.status_code == 200, res.text
    return res.json()


async def slot_at(client: Any, headers: dict[str, str], service: str, start: str) -> dict[str, Any]:
    day = start[:10]
    wanted = sh(start)
    for s in await slots(client, headers, service, day):
        if datetime.fromisoformat(s["startsAt"]) == wanted:
            return s
    raise AssertionError(f"no slot of {service} at {start}")


async def open_slot(client: Any, db: Any, *, site: str, service: str, start: str,
                    capacity: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """An admin opens the day's slots of ``service`` at ``site``: (the admin, the slot at ``start``)."""
    boss = await admin(client, db)
    await generate(client, boss["headers"], site=site, service=service, day_from=start[:10], capacity=capacity)
    return boss, await slot_at(client, boss["headers"], service, start)


async def book(client: Any, who: dict[str, Any], slot_id: int, key: str | None = None) -> Any:
    headers = {**who["headers"], **({"Idempotency-Key": key} if key else {})}
    return await client.post(f"{API}/appointments", json={"slotId": slot_id}, headers=headers)


async def run_job(settings: Any, name: str, clock: Any) -> None:
    """Through the real queue: enqueue the job, let an arq worker run it with the test clock."""
    arq = await create_pool(redis_settings(settings.redis_url))
    await arq.enqueue_job(name)
    await arq.aclose()
    await run_jobs(settings, clock=clock)
