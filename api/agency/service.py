"""代办 for a person (F093): the agent files "为他人代办" naming the principal (name, ID number, phone of
a verified person) and uploads the principal's signed authorisation letter; the principal gets an
SMS with a 6-digit code and confirms (or refuses) in 掌上办; only then can the case be submitted
(``access.check_submittable``). The case is created as the principal's own draft, so the form's
applicant fields, the result messages and the licence are theirs; the agent reaches it while the
authorisation stands and loses it when the principal refuses or withdraws it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

import notify
from api import uploads
from api.agency.errors import (
    AgencyAsPerson, AgencyCodeLocked, AgencyCodeWrong, AgencyForSelf, AgencyNotFound, AgencyStepDone, LetterMissing,
    LetterRefused, PrincipalNotFound,
)
from api.agency.schemas import STATUS_NAMES, ConfirmIn, FilingIn, FilingOut
from api.applications.schemas import ApplicationIn
from api.applications.service import journey, subject as case_subject
from api.auth.schemas import AuthUser
from api.db import load_queries, rows
from api.identity import require_verified, verified_identity
from api.identity.service import holder_of
from api.licences import service as licences
from api.types import mask_name, mask_phone

q = load_queries(__file__)

MAX_LETTER_BYTES = 10 * 1024 * 1024  # as every other upload (F101)
MAX_TRIES = 5


def _hash(filing_id: int, code: str) -> str:
    return hmac.new(f"agency:{filing_id}".encode(), code.encode(), hashlib.sha256).hexdigest()


async def filing_out(conn: Any, filing_id: int) -> FilingOut:
    row = await q.filing_view(conn, id=filing_id)
    agent = await verified_identity(conn, row["agent_id"])
    principal = await verified_identity(conn, row["principal_id"])
    card = next((lic for lic in await licences.of_application(conn, row["application_id"])
                 if lic.revoked_at is None), None) if row["kind"] == "taxi" else None
    return FilingOut(id=row["id"], application_id=row["application_id"], service_code=row["service_code"],
                     service_name=row["service_name"], kind=row["kind"], status=row["status"],
                     status_name=STATUS_NAMES[row["status"]], card_number=card.number if card else None,
                     card_valid_until=card.valid_until if card else None,
                     agent_name_masked=mask_name(agent.name) if agent else None,
                     principal_name_masked=mask_name(principal.name) if principal else None,
                     principal_phone_masked=mask_phone(await q.phone_of(conn, user_id=row["principal_id"])),
                     has_letter=row["letter_key"] is not None, created_at=row["created_at"],
                     decided_at=row["decided_at"], contract_ended_on=row["contract_ended_on"],
                     deregistered_at=row["deregistered_at"])


async def _principal(conn: Any, data: FilingIn) -> int:
    """The verified person named by name, ID number and the phone of their account (one answer for
    every mismatch: the form does not reveal which part of someone's data is whose)."""
    principal_id = await holder_of(conn, "resident_id", data.principal_id_number.upper())
    person = await verified_identity(conn, principal_id) if principal_id else None
    if person is None or person.name != data.principal_name.strip() or \
            await q.phone_of(conn, user_id=principal_id) != data.principal_phone:
        raise PrincipalNotFound(field="principalIdNumber")
    return principal_id


async def file(conn: Any, user: AuthUser, data: FilingIn, storage: Any, *, now: datetime) -> FilingOut:
    """The agent files the case as the principal's draft (their verified name and ID in its form)."""
    if user.enterprise_id is not None:
        raise AgencyAsPerson()
    await require_verified(conn, user.id)  # the agent is accountable: a verified person too
    await case_subject.check_agency_holder(conn, data.service_code, data.answers)  # an enterprise's: refused now
    principal_id = await _principal(conn, data)
    if principal_id == user.id:
        raise AgencyForSelf()
    principal = AuthUser(id=principal_id, verified=True)
    case = await journey.create(conn, principal, ApplicationIn(service_code=data.service_code, answers=data.answers,
                                                               form=data.form), storage, now=now)
    row = await q.insert_filing(conn, application_id=case.id, agent_id=user.id, principal_id=principal_id, now=now)
    return await filing_out(conn, row["id"])


async def _mine(conn: Any, user: AuthUser, filing_id: int, *, as_agent: bool) -> Any:
    row = await q.lock_filing(conn, id=filing_id)
    who = row and (row["agent_id"] if as_agent else row["principal_id"])
    if row is None or who != user.id or user.enterprise_id is not None:
        raise AgencyNotFound()
    return row


async def upload_letter(conn: Any, user: AuthUser, filing_id: int, values: dict[str, Any], storage: Any) -> FilingOut:
    """The signed authorisation letter: stored, then the principal gets the SMS with the code."""
    row = await _mine(conn, user, filing_id, as_agent=True)
    if row["status"] != "awaiting_letter":
        raise AgencyStepDone()
    key, content_type, _ = await uploads.store_checked(
        values.get("file"), storage, f"agency/{filing_id}", kinds=uploads.DOCUMENT_KINDS, max_bytes=MAX_LETTER_BYTES,
        missing=LetterMissing(field="file"), refused=LetterRefused(field="file"), too_large=LetterRefused(field="file"))
    code = f"{secrets.randbelow(10 ** 6):06d}"
    done = await q.set_letter(conn, id=filing_id, letter_key=key, letter_type=content_type,
                              code_hash=_hash(filing_id, code))
    if done is None:  # a second upload raced this one
        await storage.delete(key)
        raise AgencyStepDone()
    view = await filing_out(conn, filing_id)
    await notify.enqueue(conn, user_id=row["principal_id"], event="agency_confirm",
                         params={"agentName": view.agent_name_masked or "", "serviceName": view.service_name,
                                 "code": code},
                         dedupe_key=f"agency:{filing_id}", subject=("application", row["application_id"]))
    return view


async def confirm(conn: Any, user: AuthUser, filing_id: int, data: ConfirmIn, *, now: datetime) -> FilingOut:
    """The principal confirms with the code of the SMS: the case may now be submitted."""
    row = await _mine(conn, user, filing_id, as_agent=False)
    if row["status"] != "awaiting_confirmation":
        raise AgencyStepDone()
    if row["code_tries"] >= MAX_TRIES:
        raise AgencyCodeLocked()
    # a taxi driver, signed in on their phone, confirms the company's filing; 代办 takes the SMS code
    if row["kind"] != "taxi" and (data.code is None or not hmac.compare_digest(row["code_hash"],
                                                                               _hash(filing_id, data.code))):
        await q.count_try(conn, id=filing_id)
        raise AgencyCodeWrong(field="code", triesLeft=MAX_TRIES - row["code_tries"] - 1)
    await q.decide(conn, id=filing_id, status="confirmed", now=now)
    return await filing_out(conn, filing_id)


async def refuse(conn: Any, user: AuthUser, filing_id: int, *, now: datetime) -> FilingOut:
    """The principal refuses (before confirming) or withdraws (after): the agent's reach ends and the
    case can no longer be submitted through this filing."""
    row = await _mine(conn, user, filing_id, as_agent=False)
    if row["status"] in ("refused", "revoked"):
        raise AgencyStepDone()
    await q.decide(conn, id=filing_id, status="revoked" if row["status"] == "confirmed" else "refused", now=now)
    return await filing_out(conn, filing_id)


async def filings(conn: Any, user: AuthUser, *, as_agent: bool) -> list[FilingOut]:
    """The agent's filings, or the filings made for the caller (the principal's 待确认)."""
    if user.enterprise_id is not None:
        return []
    return [await filing_out(conn, r["id"]) for r in await rows(q.filings_of(conn, user_id=user.id, as_agent=as_agent))]


async def one(conn: Any, user: AuthUser, filing_id: int) -> FilingOut:
    row = await q.filing_view(conn, id=filing_id)
    if row is None or not (user.enterprise_id is None and user.id in (row["agent_id"], row["principal_id"])
                           or user.enterprise_id is not None and user.enterprise_id == row["enterprise_id"]):
        raise AgencyNotFound()
    return await filing_out(conn, filing_id)


__all__ = ["confirm", "file", "filings", "one", "refuse", "upload_letter"]
