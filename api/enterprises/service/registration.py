"""Registering an enterprise: its legal representative (a verified person) claims it, the registry
confirms it; where no registry answers, a business-licence photo goes to staff for 1 working day.

The registry is a network call: the identity is read in one short transaction, the registry asked
with no connection held, and the outcome written in a second one. The database keeps one live
enterprise per credit code (``enterprises_one_per_code``): a lost race is the same 409.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from api.auth.schemas import AuthUser
from api.db import load_queries, rows, transaction
from api.enterprises.errors import (CreditCodeTaken, EnterpriseNotFound, InvalidCreditCode, KindMismatch,
                                    LegalRepMismatch, NotAnEnterprise, RegistryMismatch, RegistryNotFound)
from api.enterprises.registry import Claim, Registry, RegistryUnavailable, mismatches
from api.enterprises.schemas import KIND_NAMES, EnterpriseHolder, EnterpriseIn, EnterpriseOut
from api.errors import IdentityRequired
from api.identity import crypto
from api.identity import service as identity

q = load_queries(Path(__file__).parents[1])

# The registration authority and kind in the first two characters (GB 32100-2015): 91 an enterprise,
# 92 an individual business (个体工商户, which files as an enterprise, F092). Others are not ours.
KIND_OF_PREFIX = {"91": "company", "92": "individual_business"}


def checked_code(raw: str) -> str:
    """The code as stored (upper case) once python-stdnum accepts its check character."""
    try:
        return uscc.validate(raw)
    except ValidationError:
        raise InvalidCreditCode(field="creditCode") from None


def enterprise_out(row: Any, role: str | None = None, services: list[str] | None = None) -> EnterpriseOut:
    return EnterpriseOut(id=row["id"], credit_code=row["credit_code"], name=row["name"], kind=row["kind"],
                         kind_name=KIND_NAMES[row["kind"]], legal_rep_name=row["legal_rep_name"],
                         status=row["status"], method=row["method"], due_on=row["due_on"],
                         refusal_reason=row["refusal_reason"], verified_at=row["verified_at"], my_role=role,
                         my_services=services)


async def _claim(conn: Any, user: AuthUser, data: EnterpriseIn) -> tuple[Claim, int]:
    """The claim, once the caller is the verified person it names as legal representative."""
    code = checked_code(data.credit_code)
    kind = KIND_OF_PREFIX.get(code[:2])
    if kind is None:
        raise NotAnEnterprise(field="creditCode")
    if kind != data.kind:
        raise KindMismatch(field="kind")
    person = await identity.verified_identity(conn, user.id)
    if person is None:
        raise IdentityRequired()
    number = crypto.normalise(data.legal_rep_id_number)
    if person.name != data.legal_rep_name.strip() or \
            crypto.normalise(await identity.id_number_of(conn, person.id)) != number:
        raise LegalRepMismatch(field="legalRepIdNumber")
    if await q.by_code(conn, credit_code=code) is not None:
        raise CreditCodeTaken()
    return Claim(credit_code=code, name=data.name.strip(), kind=kind, legal_rep_name=person.name,
                 legal_rep_id_number=number), person.id


async def register(pool: asyncpg.Pool, registry: Registry, user: AuthUser, data: EnterpriseIn, *,
                   now: datetime) -> EnterpriseOut:
    async with transaction(pool) as conn:
        claim, identity_id = await _claim(conn, user, data)
    try:
        record = await registry.lookup(claim)  # no connection held
        status, method = "verified", "registry"
    except RegistryUnavailable:
        record, status, method = None, "awaiting_photo", None
    if status == "verified":
        if record is None:
            raise RegistryNotFound(field="creditCode")
        if wrong := mismatches(record, claim):
            raise RegistryMismatch(fields=wrong)
    evidence = {"registry": "answered" if method else "no answer", "checkedAt": now.isoformat()}
    async with transaction(pool) as conn:
        try:
            row = await q.insert_enterprise(conn, credit_code=claim.credit_code, name=claim.name, kind=claim.kind,
                                            legal_rep_id=user.id, legal_rep_identity_id=identity_id,
                                            legal_rep_name=claim.legal_rep_name, status=status, method=method,
                                            evidence=evidence, now=now)
        except asyncpg.UniqueViolationError:
            raise CreditCodeTaken() from None
        return enterprise_out(row, "legal_rep")


async def mine(conn: Any, user: AuthUser) -> list[EnterpriseOut]:
    """The enterprises the caller represents or acts for, with their role and grant."""
    out = []
    for r in await rows(q.mine(conn, user_id=user.id)):
        services = None if r["all_services"] else list(r["services"])
        out.append(enterprise_out(r, r["my_role"], services))
    return out


async def one(conn: Any, user: AuthUser, enterprise_id: int) -> EnterpriseOut:
    for e in await mine(conn, user):
        if e.id == enterprise_id:
            return e
    raise EnterpriseNotFound()


async def represented(conn: Any, user: AuthUser, enterprise_id: int, *, verified: bool = True) -> Any:
    """The enterprise row when the caller is its legal representative (else 404, never 403)."""
    row = await q.enterprise(conn, id=enterprise_id)
    if row is None or row["legal_rep_id"] != user.id or (verified and row["status"] != "verified"):
        raise EnterpriseNotFound()
    return row


async def enterprise_holder(conn: Any, enterprise_id: int) -> EnterpriseHolder | None:
    """Name, credit code and legal representative of an enterprise (licences, disclosure)."""
    row = await q.holder(conn, id=enterprise_id)
    return None if row is None else EnterpriseHolder(name=row["name"], credit_code=row["credit_code"],
                                                     legal_rep_name=row["legal_rep_name"], kind=row["kind"])
