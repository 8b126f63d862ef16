"""Helpers for the disclosure tests: the holders of licences (a company, a driver, a trucker), their
licences, and a licence's verification link."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api.clock import today
from tests.factories import act_as_enterprise, applicant

API = "/api/v1"
PERSON_ID = "11010519491231002X"  # the checksum-valid sample resident ID of GB 11643


async def licence(db: Any, holder_id: int, type_: str, number: str, *, name: str = "许可证", status: str = "valid",
                  valid_until: date | None = None, issued: date | None = None,
                  enterprise_id: int | None = None) -> int:
    """A licence of ``holder_id`` issued ``issued`` (today by default), of the enterprise if given: its id."""
    return await db.fetchval(
        "INSERT INTO licences (holder_id, type, name, number, valid_from, valid_until, status, issued_at, "
        "enterprise_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date + time '10:00', $9) RETURNING id",
        holder_id, type_, name, number, (issued or today()) - timedelta(days=400), valid_until, status,
        issued or today(), enterprise_id)


async def holders(client: Any, db: Any) -> dict[str, dict]:
    """A company (its legal representative acting for the verified enterprise), a driver and a trucker."""
    company, driver, trucker = [await applicant(client, n) for n in ("company", "driver", "trucker")]
    await db.execute("UPDATE users SET name = '王大锤', phone = '13911112222', id_number = $2, "
                     "company_name = '温州顺达物流有限公司', credit_code = '91330300MA2ABCDE1X' WHERE id = $1",
                     company["user"]["id"], PERSON_ID)
    await db.execute("UPDATE users SET name = '李四光', phone = '13733334444', id_number = $2 WHERE id = $1",
                     driver["user"]["id"], PERSON_ID)
    # holds a company-kind permit in their own name: only counted, never listed
    await db.execute("UPDATE users SET name = '欧阳娜娜', phone = '13655556666' WHERE id = $1", trucker["user"]["id"])
    # the company is the verified enterprise its legal representative registered (issue 20), acting for it
    company = await act_as_enterprise(client, company, "91330300MA2ABCDE14", "温州顺达物流有限公司")
    return {"company": company, "driver": driver, "trucker": trucker}


async def verification_link(client: Any, who: dict[str, Any], licence_id: int) -> dict:
    """The holder asks for the licence's verification link: the response body (with its ``token``)."""
    res = await client.get(f"{API}/licences/{licence_id}/verification-link", headers=who["headers"])
    assert res.status_code == 200, res.text
    return res.json()
