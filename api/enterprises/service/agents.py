"""经办人: the legal representative grants a verified person services (or all), changes or revokes the
grant at any time. Tokens acting for the enterprise read the grant on every request
(``acting.grant``), so a change holds from the caller's next request. Every grant, change and
revocation is in ``enterprise_grant_events``, which the legal representative reads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.enterprises.errors import AgentIsLegalRep, AgentNotFound, AgentNotVerified, UnknownServices
from api.enterprises.schemas import AgentOut, GrantChange, GrantEventOut, GrantIn
from api.enterprises.service.registration import represented
from api.identity import service as identity
from api.types import mask_phone

q = load_queries(Path(__file__).parents[1])


async def _services(conn: Any, data: GrantIn | GrantChange) -> list[str]:
    if data.all_services:
        return []
    wanted = sorted(set(data.services))
    known = {r["code"] for r in await rows(q.known_services(conn, codes=wanted))}
    if unknown := [c for c in wanted if c not in known]:
        raise UnknownServices(services=unknown)
    return wanted


async def _record(conn: Any, user: AuthUser, enterprise_id: int, agent_id: int, action: str, all_services: bool,
                  services: list[str], now: datetime) -> None:
    await q.insert_grant_event(conn, enterprise_id=enterprise_id, agent_id=agent_id, actor_id=user.id,
                               action=action, all_services=all_services, services=services, now=now)


def _agent_out(row: Any) -> AgentOut:
    return AgentOut(user_id=row["user_id"], name=row["name"], phone_masked=mask_phone(row["phone"]),
                    active=row["active"], all_services=row["all_services"], services=list(row["services"]),
                    updated_at=row["updated_at"])


async def _listed(conn: Any, enterprise_id: int, user_id: int) -> AgentOut:
    return next(_agent_out(r) for r in await rows(q.agents(conn, enterprise_id=enterprise_id))
                if r["user_id"] == user_id)


async def grant(conn: Any, user: AuthUser, enterprise_id: int, data: GrantIn, *, now: datetime) -> AgentOut:
    """Invite the verified person of this phone (or re-grant a revoked one)."""
    enterprise = await represented(conn, user, enterprise_id)
    agent_id = await q.account_by_phone(conn, phone=data.phone)
    if agent_id is None:
        raise AgentNotFound(field="phone")
    if agent_id == enterprise["legal_rep_id"]:
        raise AgentIsLegalRep(field="phone")
    if await identity.verified_identity(conn, agent_id) is None:
        raise AgentNotVerified(field="phone")
    services = await _services(conn, data)
    before = await q.agent(conn, enterprise_id=enterprise_id, user_id=agent_id)
    await q.upsert_agent(conn, enterprise_id=enterprise_id, user_id=agent_id, all_services=data.all_services,
                         services=services, granted_by=user.id, now=now)
    action = "change" if before is not None and before["active"] else "grant"
    await _record(conn, user, enterprise_id, agent_id, action, data.all_services, services, now)
    return await _listed(conn, enterprise_id, agent_id)


async def change(conn: Any, user: AuthUser, enterprise_id: int, agent_id: int, data: GrantChange, *,
                 now: datetime) -> AgentOut:
    await represented(conn, user, enterprise_id)
    before = await q.agent(conn, enterprise_id=enterprise_id, user_id=agent_id)
    if before is None or not before["active"]:
        raise AgentNotFound()
    services = await _services(conn, data)
    await q.upsert_agent(conn, enterprise_id=enterprise_id, user_id=agent_id, all_services=data.all_services,
                         services=services, granted_by=user.id, now=now)
    await _record(conn, user, enterprise_id, agent_id, "change", data.all_services, services, now)
    return await _listed(conn, enterprise_id, agent_id)


async def revoke(conn: Any, user: AuthUser, enterprise_id: int, agent_id: int, *, now: datetime) -> AgentOut:
    """The 经办人's next request acting for the enterprise sees none of its cases; drafts stay with it."""
    await represented(conn, user, enterprise_id)
    row = await q.revoke_agent(conn, enterprise_id=enterprise_id, user_id=agent_id, now=now)
    if row is None:
        raise AgentNotFound()
    await _record(conn, user, enterprise_id, agent_id, "revoke", row["all_services"], list(row["services"]), now)
    return await _listed(conn, enterprise_id, agent_id)


async def agents(conn: Any, user: AuthUser, enterprise_id: int) -> list[AgentOut]:
    await represented(conn, user, enterprise_id)
    return [_agent_out(r) for r in await rows(q.agents(conn, enterprise_id=enterprise_id))]


async def grant_events(conn: Any, user: AuthUser, enterprise_id: int) -> list[GrantEventOut]:
    await represented(conn, user, enterprise_id)
    return [GrantEventOut(id=r["id"], agent_id=r["agent_id"], agent_name=r["agent_name"], actor_id=r["actor_id"],
                          action=r["action"], all_services=r["all_services"], services=list(r["services"]),
                          at=r["at"])
            for r in await rows(q.grant_events(conn, enterprise_id=enterprise_id))]
