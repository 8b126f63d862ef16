"""The market-regulation registry that confirms a business licence: a pluggable adapter.

``registry_for(settings)`` gives one of:

- ``SandboxRegistry`` (``ZSB_ENTERPRISE_REGISTRY=sandbox``, dev and tests; no network). It cannot know
  real companies, so it confirms what was claimed, except by the organisation part of the code
  (characters 9-17): ``MA0…`` no registry answers (the business-licence photo path), ``MA9…`` not
  registered, ``MA8…`` registered with another legal representative (README "Enterprises").
- ``HttpRegistry`` (``=http``, ``ZSB_ENTERPRISE_REGISTRY_URL``, ``ZSB_ENTERPRISE_REGISTRY_KEY``): the
  bureau's market-regulation data exchange. ``GET {url}/enterprises/{creditCode}`` with the header
  ``X-Api-Key``; 200 ``{"creditCode", "name", "type": "company"|"individual_business",
  "legalRepName", "legalRepIdNumber", "status": "active"|"revoked"|"cancelled"}``; 404 not
  registered; anything else (or no answer within 5 s) means no registry answered.

``lookup`` returns a ``RegistryRecord``, None when the code is not registered (or no longer active),
or raises ``RegistryUnavailable``. It is a network call: callers hold no database connection.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

import httpx
import msgspec

from api.settings import Settings

TIMEOUT_SECONDS = 5.0


class RegistryUnavailable(Exception):
    """No registry answered (down, timed out, or an answer we cannot read)."""


class RegistryRecord(msgspec.Struct, frozen=True):
    credit_code: str
    name: str
    kind: str
    legal_rep_name: str
    legal_rep_id_number: str | None = None


class Claim(msgspec.Struct, frozen=True):
    credit_code: str
    name: str
    kind: str
    legal_rep_name: str
    legal_rep_id_number: str


class Registry(Protocol):
    async def lookup(self, claim: Claim) -> RegistryRecord | None: ...


class SandboxRegistry:
    async def lookup(self, claim: Claim) -> RegistryRecord | None:
        org = claim.credit_code[8:11]
        if org == "MA0":
            raise RegistryUnavailable("sandbox: no registry answers for MA0 codes")
        if org == "MA9":
            return None
        rep = "王某某" if org == "MA8" else claim.legal_rep_name
        return RegistryRecord(credit_code=claim.credit_code, name=claim.name, kind=claim.kind, legal_rep_name=rep,
                              legal_rep_id_number=None if org == "MA8" else claim.legal_rep_id_number)


class _Answer(msgspec.Struct, rename="camel"):
    credit_code: str
    name: str
    type: str
    legal_rep_name: str
    legal_rep_id_number: str | None = None
    status: str = "active"


class HttpRegistry:
    def __init__(self, url: str, key: str, transport: Any = None) -> None:
        self.url, self.key, self.transport = url.rstrip("/"), key, transport

    async def lookup(self, claim: Claim) -> RegistryRecord | None:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, transport=self.transport) as client:
                res = await client.get(f"{self.url}/enterprises/{quote(claim.credit_code)}",
                                       headers={"X-Api-Key": self.key, "Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(type(exc).__name__) from None
        if res.status_code == 404:
            return None
        if res.status_code != 200:
            raise RegistryUnavailable(f"status {res.status_code}")
        try:
            answer = msgspec.json.decode(res.content, type=_Answer)
        except msgspec.DecodeError:
            raise RegistryUnavailable("unreadable answer") from None
        if answer.status != "active":
            return None
        return RegistryRecord(credit_code=answer.credit_code, name=answer.name, kind=answer.type,
                              legal_rep_name=answer.legal_rep_name, legal_rep_id_number=answer.legal_rep_id_number)


def registry_for(settings: Settings) -> Registry:
    if settings.enterprise_registry == "http":
        return HttpRegistry(settings.enterprise_registry_url, settings.enterprise_registry_key)
    return SandboxRegistry()


def mismatches(record: RegistryRecord, claim: Claim) -> list[str]:
    """The claimed facts the registry does not confirm (field names)."""
    wrong = []
    if record.name.strip() != claim.name.strip():
        wrong.append("name")
    if record.kind != claim.kind:
        wrong.append("kind")
    if record.legal_rep_name.strip() != claim.legal_rep_name.strip():
        wrong.append("legalRepName")
    if record.legal_rep_id_number is not None and \
            record.legal_rep_id_number.strip().upper() != claim.legal_rep_id_number.strip().upper():
        wrong.append("legalRepIdNumber")
    return wrong
