"""Taxi-driver registration by the company (F017-F021): the taxi company, acting as the enterprise,
files 从业资格注册 for its driver with the labour contract; the case is the driver's (the registration
form generated from the driver's verified identity and the company's verified name and code); the
driver finds it in 待确认事项 and confirms it on the phone before it can be submitted; on approval
the electronic service card lands in the driver's library and the company sees it on its filing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import notify
from api.agency import taxi_end
from api.agency.errors import AgencyAsPerson, PrincipalNotFound
from api.agency.schemas import FilingOut, TaxiRegistrationIn
from api.agency.service import filing_out, q
from api.applications.schemas import ApplicationIn
from api.applications.service import journey
from api.auth.schemas import AuthUser
from api.clock import local_day
from api.db import rows
from api.enterprises import service as enterprises
from api.enterprises.errors import ServiceNotGranted
from api.identity import verified_identity
from api.identity.service import holder_of

SERVICE = "taxi-driver-registration"


async def register(conn: Any, user: AuthUser, data: TaxiRegistrationIn, storage: Any, *,
                   now: datetime) -> FilingOut:
    if user.enterprise_id is None:
        raise AgencyAsPerson("从业资格注册由出租汽车公司办理：请先切换到企业身份。", faq="F017")
    if user.granted is not None and SERVICE not in user.granted:
        raise ServiceNotGranted()
    company = await enterprises.enterprise_holder(conn, user.enterprise_id)
    if company is None:
        raise ServiceNotGranted()
    driver_id = await holder_of(conn, "resident_id", data.driver_id_number.upper())
    driver = await verified_identity(conn, driver_id) if driver_id else None
    phone = await q.phone_of(conn, user_id=driver_id) if driver else None
    if driver is None or driver.name != data.driver_name.strip() or phone is None:
        raise PrincipalNotFound("没有找到该驾驶员的实名账号：请驾驶员先在掌上办完成实名认证并绑定手机号，并核对姓名和身份证号。",
                                field="driverIdNumber")
    await taxi_end.check_free(conn, driver_id, local_day(now))  # F020: one registration at a time
    form = {"companyName": company.name, "creditCode": company.credit_code, "driverName": driver.name,
            "driverIdNumber": data.driver_id_number.upper(), "driverMobile": phone, "plateNo": data.plate_no}
    case = await journey.create(conn, AuthUser(id=driver_id, verified=True),
                                ApplicationIn(service_code=SERVICE, answers={"action": "register"}, form=form),
                                storage, now=now)
    row = await q.insert_taxi_filing(conn, application_id=case.id, agent_id=user.id, principal_id=driver_id,
                                     enterprise_id=user.enterprise_id, now=now)
    out = await filing_out(conn, row["id"])
    await notify.enqueue(conn, user_id=driver_id, event="taxi_registration_confirm",
                         params={"companyName": company.name, "serviceName": out.service_name},
                         dedupe_key=f"agency:{row['id']}", subject=("application", case.id))
    return out


async def of_company(conn: Any, user: AuthUser) -> list[FilingOut]:
    """The acting enterprise's registrations of its drivers, each with the card once issued."""
    if user.enterprise_id is None or (user.granted is not None and SERVICE not in user.granted):
        return []
    return [await filing_out(conn, r["id"]) for r in await rows(q.filings_of_enterprise(conn,
                                                                                     enterprise_id=user.enterprise_id))]
