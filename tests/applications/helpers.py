"""Helpers for the applications tests: people and cases written straight to the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.applications.service.cases import q


async def person(db: Any, openid: str, **fields: Any) -> int:
    cols = ["openid", *fields]
    marks = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
    return await db.fetchval(f"INSERT INTO users ({', '.join(cols)}) VALUES ({marks}) RETURNING id",
                             openid, *fields.values())


async def draft(db: Any, applicant_id: int, service_code: str = "dangerous-goods-permit", *,
                answers: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                instant: bool = False, promised_days: int = 10) -> Any:
    return await q.insert_application(db, applicant_id=applicant_id, service_code=service_code,
                                      answers=answers or {}, form=form or {}, is_instant=instant,
                                      promised_days=promised_days)


async def licence(db: Any, holder_id: int, type: str, number: str, *, valid_until: date | None = None,
                  name: str = "证照") -> int:
    return await db.fetchval(
        "INSERT INTO licences (holder_id, type, name, number, valid_from, valid_until) "
        "VALUES ($1, $2, $3, $4, '2020-01-01', $5) RETURNING id", holder_id, type, name, number, valid_until)
