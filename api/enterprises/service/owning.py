"""Whose a booking, rating or complaint is, as its outputs show it (issue 20): ``OwningSubjectOut``
from the row's ``enterprise_id`` (None: the person who made it). Other areas call ``owning_subject``
for one row and ``owning_subjects`` for a list (one look-up per enterprise, not per row)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.enterprises.schemas import OwningSubjectOut
from api.enterprises.service.registration import enterprise_holder

PERSON = OwningSubjectOut(kind="person")


async def owning_subjects(conn: Any, enterprise_ids: Iterable[int | None]) -> dict[int | None, OwningSubjectOut]:
    """enterprise id (None: a person's) -> the subject, for every id given."""
    out: dict[int | None, OwningSubjectOut] = {None: PERSON}
    for enterprise_id in set(enterprise_ids) - {None}:
        holder = await enterprise_holder(conn, enterprise_id)
        out[enterprise_id] = OwningSubjectOut(kind="enterprise", enterprise_id=enterprise_id,
                                              name=holder.name if holder else None)
    return out


async def owning_subject(conn: Any, enterprise_id: int | None) -> OwningSubjectOut:
    return (await owning_subjects(conn, [enterprise_id]))[enterprise_id]
