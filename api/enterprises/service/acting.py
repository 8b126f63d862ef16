"""The acting subject: a person acts as themself or for an enterprise they represent or are 经办人
of. The access token carries it (claim ``ent``); ``grant`` re-reads the grant on every request of
such a token (one indexed read), so a revocation holds from the next request. Tokens acting as
the person carry no ``ent`` and cost no read (the booking rush)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg

from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.enterprises.errors import EnterpriseNotFound, StaffCannotSwitch
from api.enterprises.schemas import ActingToken, Grant, ActingSubjectOut
from api.identity import service as identity

q = load_queries(Path(__file__).parents[1])

NOTHING = Grant(role="none", services=())


def grant_from(row: Any) -> Grant:
    if row is None:
        return NOTHING
    if row["is_rep"]:
        return Grant(role="legal_rep", services=None)
    if not row["active"]:
        return NOTHING
    return Grant(role="agent", services=None if row["all_services"] else tuple(row["services"]))


async def grant(pool: asyncpg.Pool, user_id: int, enterprise_id: int) -> Grant:
    """What ``user_id`` may do for the enterprise now (nothing once revoked or not verified)."""
    async with pool.acquire() as conn:
        return grant_from(await q.grant_of(conn, user_id=user_id, enterprise_id=enterprise_id))


async def subjects(conn: Any, user: AuthUser) -> list[ActingSubjectOut]:
    """The caller themself, then each verified enterprise they may act for."""
    me = await identity.verified_identity(conn, user.id)
    out = [ActingSubjectOut(kind="person", name=me.name if me else "", current=user.enterprise_id is None)]
    for r in await rows(q.mine(conn, user_id=user.id)):
        if r["status"] != "verified":
            continue
        out.append(ActingSubjectOut(kind="enterprise", name=r["name"], enterprise_id=r["id"], credit_code=r["credit_code"],
                              enterprise_kind=r["kind"], role=r["my_role"],
                              services=None if r["all_services"] else list(r["services"]),
                              current=user.enterprise_id == r["id"]))
    return out


async def switch(conn: Any, jwt: Any, user: AuthUser, enterprise_id: int | None) -> ActingToken:
    """A new access token acting as ``enterprise_id`` (None: as the person). Citizen sessions only:
    a staff session's authority is checked against its account and is not an enterprise's."""
    if user.is_staff:
        raise StaffCannotSwitch()
    choices = await subjects(conn, user)
    chosen = next((s for s in choices if s.enterprise_id == enterprise_id), None)
    if chosen is None:
        raise EnterpriseNotFound()
    extras: dict[str, Any] = {"typ": "access", "roles": list(user.roles), "steps": list(user.steps)}
    if user.verified:
        extras["idv"] = True
    if enterprise_id is not None:
        extras["ent"] = enterprise_id
    token = jwt.create_token(identifier=str(user.id), token_extras=extras)
    return ActingToken(access_token=token, expires_in=int(jwt.default_token_expiration.total_seconds()),
                       subject=ActingSubjectOut(**{**{f: getattr(chosen, f) for f in ActingSubjectOut.__struct_fields__},
                                             "current": True}))


async def acted_as(conn: Any, enterprise_id: int, user_id: int) -> str | None:
    """legal_rep or agent: how ``user_id`` acted for the enterprise (staff's task view)."""
    return await q.acted_as(conn, enterprise_id=enterprise_id, user_id=user_id)
