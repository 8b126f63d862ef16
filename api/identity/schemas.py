"""Identity records and face verification at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from api.auth.schemas import TokenPair
from api.types import Input, Schema

PersonName = Annotated[str, Meta(min_length=1, max_length=30, description="姓名（与身份证一致）")]
IdNumberText = Annotated[str, Meta(min_length=15, max_length=20, description="居民身份证号")]


class Identity(Schema, frozen=True):
    """A verified (or pending, refused, released) person: the ID number only ever masked here."""

    id: int
    user_id: int
    status: str
    method: str
    name: str
    id_type: str
    id_number_masked: str
    verified_at: datetime | None = None
    verified_by: int | None = None


class ApplicantIdentity(Schema, frozen=True):
    """The verified person a case belongs to, as forms and staff see it (number masked)."""

    name: str
    id_type: str
    id_number_masked: str
    method: str  # face | window | document
    method_label: str = ""
    verified_at: datetime | None = None
    note: str | None = None


class IdentityOut(Schema):
    """What the person sees of their own identity (GET /me/identity)."""

    verified: bool
    identity: Identity | None = None
    face_tries_left: int = 5


class StartVerification(Input):
    name: PersonName
    id_number: IdNumberText


class VerificationStarted(Schema):
    id: int
    verify_id: str
    expires_in: int
    tries_left: int


class VerificationResult(Schema):
    id: int
    verified: bool
    identity: Identity
    # A fresh token pair whose access token says the account is verified (booking reads the claim).
    tokens: TokenPair | None = None
