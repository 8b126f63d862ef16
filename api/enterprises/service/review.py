"""Where no registry answered: the legal representative uploads the business licence's photo and
staff (approvers, leads, admins) review it within 1 working day (as identity documents, F090)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from api import uploads
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.clock import local_day
from api.db import load_queries, rows
from api.enterprises.errors import (EnterpriseNotFound, EnterpriseReviewed, OwnEnterpriseReview, PhotoMissing,
                                    PhotoNotExpected, PhotoRefused)
from api.enterprises.schemas import EnterpriseOut, EnterpriseReviewOut, EnterpriseRefusalIn
from api.enterprises.service.registration import enterprise_out, represented
from api.workdays import add_workdays

q = load_queries(Path(__file__).parents[1])

REVIEW_WORKDAYS = 1  # "由工作人员在1个工作日内人工审核", as identity documents (F090)
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # as every other upload (F101)


async def upload_photo(conn: Any, user: AuthUser, enterprise_id: int, values: dict[str, Any], storage: Any, *,
                       now: datetime) -> EnterpriseOut:
    row = await represented(conn, user, enterprise_id, verified=False)
    if row["status"] != "awaiting_photo":
        raise PhotoNotExpected()
    key, content_type, _ = await uploads.store_checked(
        values.get("file"), storage, f"enterprises/{enterprise_id}", kinds=uploads.IMAGE_KINDS,
        max_bytes=MAX_PHOTO_BYTES, missing=PhotoMissing(field="file"), refused=PhotoRefused(field="file"),
        too_large=PhotoRefused(field="file"))
    await catalogue.load_workday_overrides(conn)
    done = await q.set_photo(conn, id=enterprise_id, photo_key=key, photo_type=content_type,
                             due_on=add_workdays(local_day(now), REVIEW_WORKDAYS))
    if done is None:  # a second upload raced this one
        await storage.delete(key)
        raise PhotoNotExpected()
    return enterprise_out(done, "legal_rep")


def _review_out(row: Any) -> EnterpriseReviewOut:
    return EnterpriseReviewOut(id=row["id"], credit_code=row["credit_code"], name=row["name"], kind=row["kind"],
                               legal_rep_name=row["legal_rep_name"], status=row["status"], due_on=row["due_on"],
                               created_at=row["created_at"], refusal_reason=row["refusal_reason"],
                               photo_url=f"/api/v1/staff/enterprises/{row['id']}/photo" if row["photo_key"] else None)


async def queue(conn: Any, status: str) -> list[EnterpriseReviewOut]:
    return [_review_out(r) for r in await rows(q.pending(conn, status=status))]


async def _reviewable(conn: Any, staff: AuthUser, enterprise_id: int) -> Any:
    row = await q.lock_enterprise(conn, id=enterprise_id)
    if row is None:
        raise EnterpriseNotFound()
    if row["status"] != "pending":
        raise EnterpriseReviewed()
    if row["legal_rep_id"] == staff.id:
        raise OwnEnterpriseReview()
    return row


async def photo(conn: Any, enterprise_id: int, storage: Any) -> tuple[AsyncIterator[bytes], str]:
    row = await q.enterprise(conn, id=enterprise_id)
    if row is None or not row["photo_key"]:
        raise EnterpriseNotFound()
    return storage.read(row["photo_key"]), row["photo_type"]


async def approve(conn: Any, staff: AuthUser, enterprise_id: int, *, now: datetime) -> EnterpriseReviewOut:
    await _reviewable(conn, staff, enterprise_id)
    return _review_out(await q.approve(conn, id=enterprise_id, staff_id=staff.id, now=now))


async def refuse(conn: Any, staff: AuthUser, enterprise_id: int, data: EnterpriseRefusalIn, *,
                 now: datetime) -> EnterpriseReviewOut:
    await _reviewable(conn, staff, enterprise_id)
    return _review_out(await q.refuse(conn, id=enterprise_id, staff_id=staff.id, now=now,
                                      reason=data.reason.strip()))
