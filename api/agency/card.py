"""电子服务监督卡 (F021): "载有驾驶员照片、姓名、资格证号、所属公司和监督电话12328 … 信息变化后会自动更新". The card
is rendered when it is looked at, from live data — the driver's verified identity, the qualification
certificate in force in their library, the registering company's current name — so a change of any of
them shows at once; a re-registration with a new company issues a new card (the old one revoked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.agency.errors import AgencyNotFound
from api.agency.schemas import ServiceCardOut
from api.agency.service import q
from api.auth.schemas import AuthUser
from api.enterprises import service as enterprises
from api.identity import verified_identity
from api.licences import service as licences

QUALIFICATION = "taxi_driver_qualification"


async def service_card(conn: Any, user: AuthUser, licence_id: int, today: date) -> ServiceCardOut:
    """The card to the driver it was issued to, or to the company (acting as it) that registered them."""
    row = await q.service_card(conn, licence_id=licence_id)
    if row is None or not (user.enterprise_id is None and user.id == row["principal_id"]
                           or user.enterprise_id is not None and user.enterprise_id == row["enterprise_id"]):
        raise AgencyNotFound("没有找到该电子服务监督卡。")
    driver = await verified_identity(conn, row["principal_id"])
    company = await enterprises.enterprise_holder(conn, row["enterprise_id"]) if row["enterprise_id"] else None
    qualification = next((lic for lic in await licences.of_holder(conn, row["principal_id"])
                          if lic.type == QUALIFICATION and lic.status == "valid"
                          and (lic.valid_until is None or lic.valid_until >= today)), None)
    return ServiceCardOut(
        licence_id=row["id"], number=row["number"], status=row["status"],
        valid=row["status"] == "valid" and (row["valid_until"] is None or row["valid_until"] >= today),
        valid_from=row["valid_from"], valid_until=row["valid_until"], driver_name=driver.name if driver else None,
        qualification_number=qualification.number if qualification else None,
        company_name=company.name if company else None, company_credit_code=company.credit_code if company else None,
        revoked_reason=row["revoked_reason"])
