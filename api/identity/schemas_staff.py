"""Window verification and document review at the edge (issue 19, F090)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.errors import ValidationFailed
from api.identity.schemas import Identity
from api.types import Input, Mobile, Schema

# The documents a person may show (the window takes every one; an upload every one but the resident ID,
# which face verification or the window checks against the national database).
IdType = Literal["resident_id", "hk_macau_permit", "taiwan_permit", "residence_permit", "foreign_permanent",
                 "passport"]
DocumentType = Literal["hk_macau_permit", "taiwan_permit", "residence_permit", "foreign_permanent", "passport"]
# Names on permits and passports may be Latin letters with spaces ("SMITH JOHN"): any 1-100 characters.
DocumentName = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"\S", description="证件上的姓名")]
DocumentNumber = Annotated[str, Meta(min_length=5, max_length=30, description="证件号码")]
Reason = Annotated[str, Meta(min_length=1, max_length=200, description="不通过的原因（告知本人）")]

ID_TYPE_NAMES = {
    "resident_id": "居民身份证", "hk_macau_permit": "港澳居民来往内地通行证", "taiwan_permit": "台湾居民来往大陆通行证",
    "residence_permit": "港澳台居民居住证", "foreign_permanent": "外国人永久居留身份证", "passport": "护照",
}


class WindowVerificationIn(Input):
    """The person at the window, named by their account's phone or id, and the document they showed."""

    name: DocumentName
    id_type: IdType
    id_number: DocumentNumber
    phone: Mobile | None = None
    user_id: Annotated[int, Meta(ge=1, le=2**63 - 1)] | None = None

    def __post_init__(self) -> None:
        if (self.phone is None) == (self.user_id is None):
            raise ValueError("give exactly one of phone and userId")


class WindowVerificationOut(Schema):
    identity: Identity
    window_staff_id: int
    at: datetime


class DocumentIn(Input):
    """The text fields beside the photo (multipart form fields ``name``, ``idType``, ``idNumber``)."""

    name: DocumentName
    id_type: DocumentType
    id_number: DocumentNumber


class MyDocumentOut(Schema):
    id: int
    status: str
    id_type: str
    id_number_masked: str
    due_on: date
    submitted_at: datetime


class MyDocumentStatus(MyDocumentOut):
    """One of the person's uploads and its outcome (a refusal says why)."""

    reviewed_at: datetime | None = None
    refusal_reason: str | None = None


class DocumentSummary(Schema):
    """A document in the staff list: the number masked, the name masked."""

    id: int
    user_id: int
    status: str
    name: str
    id_type: str
    id_type_name: str
    id_number_masked: str
    due_on: date | None
    submitted_at: datetime
    overdue: bool
    reviewed_at: datetime | None = None
    refusal_reason: str | None = None


class DocumentDetail(Schema):
    """One document for its reviewer: the full name and number (this look is logged) and the photo's URL."""

    id: int
    user_id: int
    status: str
    name: str
    id_type: str
    id_type_name: str
    id_number: str
    id_number_masked: str
    phone: str | None
    due_on: date | None
    submitted_at: datetime
    overdue: bool
    photo_url: str
    verified_by: int | None = None
    verified_at: datetime | None = None
    reviewed_at: datetime | None = None
    refusal_reason: str | None = None


class RefusalIn(Input):
    reason: Reason


def document_in(values: dict[str, object]) -> DocumentIn:
    """The multipart text fields as a DocumentIn, checked like a JSON body (400 ``validation_failed``)."""
    fields = {k: values[k] for k in ("name", "idType", "idNumber") if isinstance(values.get(k), str)}
    try:
        return msgspec.convert(fields, DocumentIn)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc)) from None
