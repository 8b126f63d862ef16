"""Helpers for the applications tests: people and cases written straight to the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.applications.service.cases import q
from tests.factories import act_as_enterprise, credit_code_of


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


async def as_enterprise(client: Any, db: Any, who: dict[str, Any], name: str = "温州顺达物流有限公司",
                        code: str | None = None) -> dict[str, Any]:
    """F092: ``who`` (verified) files a business's licence as its enterprise (``act_as_enterprise``; the
    code by default derived from ``name`` and the person); the licences planted for them so far are
    the enterprise's library (an enterprise's case is exempted by that library)."""
    company = await act_as_enterprise(client, who, code or credit_code_of(f"{name}:{who['user']['id']}"), name)
    await db.execute("UPDATE licences SET enterprise_id = $1 WHERE holder_id = $2 AND enterprise_id IS NULL",
                     company["enterprise_id"], who["user"]["id"])
    return company


async def licence(db: Any, holder_id: int, type: str, number: str, *, valid_until: date | None = None,
                  name: str = "证照", enterprise_id: int | None = None) -> int:
    """A licence in the person's library, or (``enterprise_id``) the enterprise's (issue 20)."""
    return await db.fetchval(
        "INSERT INTO licences (holder_id, type, name, number, valid_from, valid_until, enterprise_id) "
        "VALUES ($1, $2, $3, $4, '2020-01-01', $5, $6) RETURNING id", holder_id, type, name, number, valid_until,
        enterprise_id)
