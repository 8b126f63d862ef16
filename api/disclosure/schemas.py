from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from api.types import Schema

LicenceStatus = Literal["valid", "revoked", "expired"]


class CompanyDecision(Schema):
    """A permit granted to a company: published by name (许可结果公示)."""

    service_code: str
    service_name: str
    holder: str
    licence_name: str
    licence_number: str
    decided_on: date
    valid_from: date
    valid_until: date | None
    status: LicenceStatus


class IndividualFigure(Schema):
    """Permits granted to people: counts only — no names, ID numbers or phones."""

    service_code: str
    service_name: str
    granted: int
    revoked: int


class DecisionsOut(Schema):
    date_from: date
    date_to: date
    companies: list[CompanyDecision]
    individuals: list[IndividualFigure]


class VerificationOut(Schema):
    """What a checker scanning a licence's QR code needs, and nothing more."""

    genuine: bool
    valid: bool
    status: LicenceStatus
    type: str
    name: str
    number: str
    holder: str | None
    valid_from: date
    valid_until: date | None
    revoked_at: datetime | None  # when it was cancelled or voided (status revoked); the reason is not shown
    code_issued_at: datetime
    checked_at: datetime


class VerificationLinkOut(Schema):
    """The signed link a licence's QR code encodes (亮证: the app draws the code itself)."""

    licence_id: int
    token: str
    url: str
    issued_at: datetime
