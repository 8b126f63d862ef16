"""F090: HK/Macau/Taiwan residents and foreigners upload a photo of their document; staff verify it
within 1 working day (``api.workdays``, the catalogue's calendar).

The upload makes a ``pending`` identity (method ``document``, ``due_on``) beside its photo
(``identity_documents``). Approvers, leads and admins list the pending ones (numbers masked), open
one (the full number and the photo: each look logged in ``identity_views``), and approve it (the row
becomes ``verified`` in place; the partial unique indexes keep one verified person <-> one account:
409 ``identity_taken``) or refuse it with a reason. The person is told either way (SMS + WeChat).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg

import notify
from api import uploads
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.clock import local_day
from api.db import load_queries, rows
from api.identity import crypto
from api.identity.errors import IdentityAlreadyVerified, IdentityTaken
from api.identity.errors_staff import (DocumentNotFound, DocumentPending, DocumentPhotoMissing, DocumentPhotoRefused,
                                       DocumentPhotoTooLarge, DocumentReviewed)
from api.identity.schemas import Identity
from api.identity.schemas_staff import (ID_TYPE_NAMES, DocumentDetail, DocumentSummary, MyDocumentOut,
                                        MyDocumentStatus, RefusalIn, document_in)
from api.identity.service import holder_of, to_identity, verified_identity
from api.identity.window import checked_number, refuse_own
from api.types import mask_id_number, mask_name
from api.workdays import add_workdays

q = load_queries(__file__, "staff.sql")

REVIEW_WORKDAYS = 1  # F090: "由工作人员在1个工作日内人工审核"
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # as every other upload (F101)


async def submit(conn: Any, user: AuthUser, values: dict[str, Any], storage: Any, *, now: datetime) -> MyDocumentOut:
    """The person's document and its photo: a pending identity due in 1 working day."""
    data = document_in(values)
    number = checked_number(data.id_type, data.id_number)
    if await verified_identity(conn, user.id) is not None:
        raise IdentityAlreadyVerified()
    if await holder_of(conn, data.id_type, number) is not None:
        raise IdentityTaken()
    if await q.pending_of(conn, user_id=user.id) is not None:
        raise DocumentPending()
    key, content_type, writer = await uploads.store_checked(
        values.get("file"), storage, f"identity/{user.id}", kinds=uploads.IMAGE_KINDS, max_bytes=MAX_PHOTO_BYTES,
        missing=DocumentPhotoMissing(field="file"), refused=DocumentPhotoRefused(field="file"),
        too_large=DocumentPhotoTooLarge(field="file"))
    await catalogue.load_workday_overrides(conn)
    cipher = crypto.active()
    kid, blob = cipher.encrypt(number)
    try:
        async with conn.transaction():  # a savepoint: a second upload racing this one gets a clear 409
            row = await q.insert_pending(conn, user_id=user.id, name=data.name.strip(), id_type=data.id_type,
                                         id_cipher=blob, id_key_id=kid, id_hash=cipher.hash(data.id_type, number),
                                         id_masked=mask_id_number(number),
                                         due_on=add_workdays(local_day(now), REVIEW_WORKDAYS),
                                         evidence={"photoSha256": writer.sha256}, now=now)
    except asyncpg.UniqueViolationError:
        await storage.delete(key)
        raise DocumentPending() from None
    await q.insert_document(conn, identity_id=row["id"], storage_key=key, content_type=content_type,
                            size_bytes=writer.size, sha256=writer.sha256, now=now)
    return MyDocumentOut(id=row["id"], status=row["status"], id_type=row["id_type"], id_number_masked=row["id_masked"],
                         due_on=row["due_on"], submitted_at=row["created_at"])


async def my_documents(conn: Any, user: AuthUser) -> list[MyDocumentStatus]:
    """The caller's own uploads, newest first, with each outcome."""
    return [MyDocumentStatus(id=r["id"], status=r["status"], id_type=r["id_type"], id_number_masked=r["id_masked"],
                             due_on=r["due_on"], submitted_at=r["created_at"], reviewed_at=r["reviewed_at"],
                             refusal_reason=r["refusal_reason"])
            for r in await rows(q.documents_of(conn, user_id=user.id))]


def _summary(row: Any) -> DocumentSummary:
    return DocumentSummary(id=row["id"], user_id=row["user_id"], status=row["status"],
                           name=mask_name(row["name"]) or "", id_type=row["id_type"],
                           id_type_name=ID_TYPE_NAMES[row["id_type"]], id_number_masked=row["id_masked"],
                           due_on=row["due_on"], submitted_at=row["created_at"], overdue=row["overdue"],
                           reviewed_at=row["reviewed_at"], refusal_reason=row["refusal_reason"])


async def list_documents(conn: Any, status: str = "pending") -> list[DocumentSummary]:
    """Documents by status (the review queue: due soonest first). Names and numbers masked."""
    return [_summary(r) for r in await rows(q.documents(conn, status=status))]


async def _document(conn: Any, identity_id: int) -> Any:
    row = await q.document(conn, id=identity_id)
    if row is None:
        raise DocumentNotFound()
    return row


async def document_detail(conn: Any, staff: AuthUser, identity_id: int) -> DocumentDetail:
    """One document with the full number (decrypted): the look is logged."""
    row = await _document(conn, identity_id)
    number = crypto.active().decrypt(row["id_key_id"], row["id_cipher"])
    await q.record_view(conn, identity_id=identity_id, viewer_id=staff.id, what="detail", id_number_shown=True)
    return DocumentDetail(id=row["id"], user_id=row["user_id"], status=row["status"], name=row["name"],
                          id_type=row["id_type"], id_type_name=ID_TYPE_NAMES[row["id_type"]], id_number=number,
                          id_number_masked=row["id_masked"], phone=row["phone"], due_on=row["due_on"],
                          submitted_at=row["created_at"], overdue=row["overdue"],
                          photo_url=f"/api/v1/staff/identity/documents/{row['id']}/photo",
                          verified_by=row["verified_by"], verified_at=row["verified_at"],
                          reviewed_at=row["reviewed_at"], refusal_reason=row["refusal_reason"])


async def document_photo(conn: Any, staff: AuthUser, identity_id: int,
                         storage: Any) -> tuple[AsyncIterator[bytes], str]:
    """The photo's bytes and content type; the look is logged."""
    row = await _document(conn, identity_id)
    await q.record_view(conn, identity_id=identity_id, viewer_id=staff.id, what="photo", id_number_shown=False)
    return storage.read(row["storage_key"]), row["content_type"]


async def _reviewable(conn: Any, staff: AuthUser, identity_id: int) -> Any:
    row = await _document(conn, identity_id)
    if row["status"] != "pending":
        raise DocumentReviewed()
    await refuse_own(conn, staff, row["user_id"], bytes(row["id_hash"]))
    return row


async def approve(conn: Any, staff: AuthUser, identity_id: int, *, now: datetime) -> Identity:
    """Pending -> verified (method ``document``, verified by this staff member); the person is told."""
    row = await _reviewable(conn, staff, identity_id)
    try:
        async with conn.transaction():
            done = await q.approve(conn, id=identity_id, staff_id=staff.id, now=now,
                                   evidence={"reviewedBy": staff.id, "at": now.isoformat()})
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "identities_verified_person":
            raise IdentityTaken() from None
        raise IdentityAlreadyVerified() from None
    if done is None:
        raise DocumentReviewed()
    await q.mark_reviewed(conn, identity_id=identity_id, staff_id=staff.id, now=now, reason=None)
    await notify.enqueue(conn, user_id=row["user_id"], event="identity_document_approved",
                         params={"idTypeName": ID_TYPE_NAMES[row["id_type"]]},
                         dedupe_key=f"identity_document_approved:{identity_id}", subject=("identity", identity_id))
    return to_identity(done)


async def refuse(conn: Any, staff: AuthUser, identity_id: int, data: RefusalIn, *, now: datetime) -> DocumentSummary:
    """Pending -> refused with the reason the person is told; they may upload again."""
    row = await _reviewable(conn, staff, identity_id)
    if await q.refuse(conn, id=identity_id, now=now) is None:
        raise DocumentReviewed()
    reason = data.reason.strip()
    await q.mark_reviewed(conn, identity_id=identity_id, staff_id=staff.id, now=now, reason=reason)
    await notify.enqueue(conn, user_id=row["user_id"], event="identity_document_refused",
                         params={"idTypeName": ID_TYPE_NAMES[row["id_type"]], "reason": reason},
                         dedupe_key=f"identity_document_refused:{identity_id}", subject=("identity", identity_id))
    return _summary(await q.document(conn, id=identity_id))

