"""Looking a subject's licences up in the trusted sources, at the moments that matter: a verified
subject opens a checklist (answers cached in Redis for ``ZSB_LICENCE_CACHE_SECONDS``) or submits
(always asked afresh). Each source has ``ZSB_LICENCE_SHARE_TIMEOUT_SECONDS`` (2 s): one that is down,
slow or refusing never blocks — the caller is told the data was unavailable and asks for an upload.
Every record is checked against the subject (``records.problem``) before it is mirrored into the
library (``licences.source`` 'share' / 'import'), where exemption and pre-fill read it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import structlog

from api import clock
from api.db import load_queries, rows
from api.identity import crypto
from api.enterprises import service as enterprises
from api.identity import service as identity
from api.licences.sources.records import (
    STATUS, TYPE_CODES, Holder, LicenceSource, SourceLicence, SourceRefused, SourceUnavailable, problem,
)
from api.licences.sources.share import ShareSource
from api.types import mask_id_number

q = load_queries(Path(__file__).parents[1], "sources.sql")
log = structlog.get_logger("zsb.licences.sources")


def holder_key(holder_id_type: str, number: str) -> str:
    """How the import store files a holder: a person's ID number only as its keyed hash."""
    if holder_id_type == "uscc":
        return "uscc:" + crypto.normalise(number)
    return "rid:" + crypto.active().hash(holder_id_type, number).hex()


class ImportSource:
    """The bureau's own store (``zsb licences import``, the sandbox of ``make dev``)."""

    name = "import"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def fetch(self, holder: Holder, types: list[str]) -> list[SourceLicence]:
        found = await rows(q.imported_for(self.conn, holder_key=holder_key(holder.id_type, holder.id_number),
                                          types=types))
        return [SourceLicence(identifier=r["identifier"], type_code=r["type_code"], name=r["name"], number=r["number"],
                              holder_name=r["holder_name"], holder_id_type=r["holder_id_type"],
                              holder_id_number=holder.id_number, issuer=r["issuer"], issue_date=r["issued_on"],
                              valid_from=r["valid_from"], valid_until=r["valid_until"], status=r["status"],
                              subject=r["subject"], data=r["data"]) for r in found]


async def holder_of(conn: Any, user_id: int, enterprise_id: int | None = None) -> Holder | None:
    """The case's subject: the enterprise the account acts for (its credit code, from the
    enterprises area), else the account's verified person (an unverified account has nothing to
    look up)."""
    if enterprise_id is not None:
        company = await enterprises.enterprise_holder(conn, enterprise_id)
        return Holder(id_type="uscc", id_number=company.credit_code, name=company.name) if company else None
    person = await identity.verified_identity(conn, user_id)
    if person is None or person.id_type != "resident_id":
        return None
    return Holder(id_type="resident_id", id_number=await identity.id_number_of(conn, person.id), name=person.name)


def licence_types(spec: Any) -> list[str]:
    """The licence types a service can exempt materials or fill fields from (what sources are asked)."""
    types = {m.exempt_by for m in spec.materials if m.exempt_by}
    types |= {f.prefill.split(".")[1] for f in spec.fields if (f.prefill or "").count(".") >= 2
              and f.prefill.startswith("licence.")}
    return sorted(t for t in types if t)


def _cache_key(source: str, holder: Holder, types: list[str]) -> str:
    digest = hashlib.sha256(f"{holder.id_type}:{crypto.normalise(holder.id_number)}:{','.join(types)}".encode())
    return f"zsb:licence-source:{source}:{digest.hexdigest()}"


async def _answer(source: LicenceSource, holder: Holder, types: list[str], redis: Any, ttl: int,
                  fresh: bool) -> list[SourceLicence] | None:
    """The source's checked records; a network source's answer is cached (without ID numbers).
    None: the cache answered — what it holds was mirrored when it was fetched."""
    if not isinstance(source, ShareSource) or redis is None:
        return [r for r in await source.fetch(holder, types) if problem(r, holder, types) is None]
    key = _cache_key(source.name, holder, types)
    if not fresh and await redis.exists(key):
        return None
    got = await source.fetch(holder, types)
    good = [r for r in got if problem(r, holder, types) is None]
    if len(good) < len(got):
        log.warning("licence_source_records_refused", source=source.name, refused=len(got) - len(good),
                    reasons=sorted({problem(r, holder, types) or "" for r in got} - {""}))
    await redis.set(key, msgspec.json.encode([msgspec.structs.replace(r, holder_id_number="")
                                                for r in good]), ex=ttl)
    return good


async def _mirror(conn: Any, user_id: int, enterprise_id: int | None, source: str, types: list[str],
                  records: list[SourceLicence], now: datetime) -> None:
    for r in records:
        data = {"subject": r.subject, "typeCode": r.type_code, "holderName": r.holder_name,
                "holderIdType": r.holder_id_type, "holderIdMasked": mask_id_number(r.holder_id_number)
                if r.holder_id_type == "resident_id" else r.holder_id_number,
                "issuer": r.issuer, "issueDate": r.issue_date.isoformat() if r.issue_date else None, **r.data}
        try:
            async with conn.transaction():  # a number another row holds: skip it, keep the request
                await q.mirror_licence(conn, holder_id=user_id, enterprise_id=enterprise_id, source=source,
                                       identifier=r.identifier, type=r.type,
                                       name=r.name, number=r.number, valid_from=r.valid_from,
                                       valid_until=r.valid_until, status=STATUS[r.status], data=data, fetched_at=now)
        except asyncpg.UniqueViolationError:
            log.warning("licence_source_record_clash", source=source, type=r.type)
    await q.retire_absent(conn, holder_id=user_id, enterprise_id=enterprise_id, source=source, types=types,
                          keep=[r.identifier for r in records])


class SourcesAsked(msgspec.Struct, frozen=True):
    """What the network sources said for a subject, asked before any transaction opens (``ask``), for
    ``apply`` to mirror inside it. ``answers``: (source, checked records; None when the cache answered)."""

    holder: Holder | None = None
    types: list[str] = []
    answers: list[tuple[str, list[SourceLicence] | None]] = []
    unavailable: bool = False


async def ask(pool: Any, redis: Any, settings: Any, user_id: int, types: list[str], *, fresh: bool = False,
              enterprise_id: int | None = None) -> SourcesAsked:
    """Ask the network sources (the sharing service, within its budget) holding NO database connection:
    the subject is read on a connection given back at once, so a slow source never keeps a transaction
    open or a row locked. Call it before the request's transaction; then ``apply`` inside it."""
    types = sorted({t for t in types if t in TYPE_CODES})
    if not types:
        return SourcesAsked()
    async with pool.acquire() as conn:
        holder = await holder_of(conn, user_id, enterprise_id)
    share = ShareSource.from_settings(settings)
    if holder is None or share is None:
        return SourcesAsked(holder=holder, types=types)
    try:
        records = await _answer(share, holder, types, redis, settings.licence_cache_seconds, fresh)
    except SourceRefused as exc:
        log.error("licence_source_refused", source=share.name, error=str(exc))
    except SourceUnavailable as exc:
        log.warning("licence_source_unavailable", source=share.name, error=str(exc))
    else:
        return SourcesAsked(holder=holder, types=types, answers=[(share.name, records)])
    return SourcesAsked(holder=holder, types=types, unavailable=True)


async def apply(conn: Any, user_id: int, asked: SourcesAsked, *, enterprise_id: int | None = None) -> bool:
    """In the request's transaction: the bureau's own store (a database read) and what ``ask`` got
    mirrored into the library. Returns True when some source could not answer (upload instead)."""
    if asked.holder is None or not asked.types:
        return asked.unavailable
    if await holder_of(conn, user_id, enterprise_id) != asked.holder:  # the subject changed meanwhile
        return True
    now = clock.now()
    imported = [r for r in await ImportSource(conn).fetch(asked.holder, asked.types)
                if problem(r, asked.holder, asked.types) is None]
    for source, records in [(ImportSource.name, imported), *asked.answers]:
        if records is not None:
            await _mirror(conn, user_id, enterprise_id, source, asked.types, records, now)
    return asked.unavailable


async def mark_unavailable(conn: Any, application_id: int) -> None:
    await q.mark_unavailable(conn, application_id=application_id, at=clock.now())
