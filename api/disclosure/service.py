"""许可结果公示 and licence verification (亮证核验).

Disclosure publishes companies' permits by name and people's permits as counts only, for the
services marked ``services.disclose``. Verification answers, without login, whether a scanned
licence is genuine and valid now, with the holder masked.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
import segno

from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.clock import ZONE, local_day, local_now, today
from api.db import rows
from api.db import load_queries
from api.disclosure import signing
from api.disclosure.schemas import (
    CompanyDecision, DecisionsOut, IndividualFigure, VerificationLinkOut, VerificationOut,
)
from api.errors import BadRequest, NotFound
from api.settings import Settings
from api.types import mask_name

q = load_queries(__file__)
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30

class DisclosureRangeInvalid(BadRequest):
    """查询时段无效：开始日期不能晚于结束日期，且跨度不超过366天。"""

    code = "disclosure_range_invalid"


class ServiceNotDisclosed(NotFound):
    """该事项不在公示范围内。"""

    code = "service_not_disclosed"


class VerificationTokenInvalid(BadRequest):
    """核验码无效或已被篡改，请以发证机关核验结果为准。"""

    code = "verification_token_invalid"


class LicenceNotFound(NotFound):
    """没有找到该电子证照。"""

    code = "licence_not_found"


def _row(values: Any, typ: type[Any]) -> Any:
    return msgspec.convert({f.encode_name: values[f.name] for f in msgspec.structs.fields(typ)}, typ)


async def decisions(conn: Any, *, service_code: str | None, date_from: date | None, date_to: date | None,
                    limit: int, offset: int, on: date | None = None) -> DecisionsOut:
    on = on or today()
    date_to = date_to or on
    date_from = date_from or date_to - timedelta(days=DEFAULT_RANGE_DAYS)
    if date_from > date_to or (date_to - date_from).days > MAX_RANGE_DAYS:
        raise DisclosureRangeInvalid(dateFrom=date_from.isoformat(), dateTo=date_to.isoformat())
    if service_code is not None and await q.disclosed_service(conn, code=service_code) is None:
        raise ServiceNotDisclosed(serviceCode=service_code)
    window = dict(date_from=date_from, date_to=date_to, service_code=service_code)
    companies = await rows(q.company_decisions(conn, today=on, limit=limit, offset=offset, **window))
    figures = await rows(q.individual_figures(conn, **window))
    return DecisionsOut(date_from=date_from, date_to=date_to,
                        companies=[_row(r, CompanyDecision) for r in companies],
                        individuals=[_row(r, IndividualFigure) for r in figures])


async def verification_link(conn: Any, user: AuthUser, licence_id: int, settings: Settings, *,
                            now: datetime | None = None) -> VerificationLinkOut:
    """The signed verification link of one of the caller's licences (FAQ F133: the code carries
    the time it was made). Other areas printing a licence PDF call this for its QR code."""
    lic = await q.licence_for_check(conn, id=licence_id)
    # the acting subject's library (issue 20): an enterprise's licence for whoever acts for it now
    if lic is None or lic["enterprise_id"] != user.enterprise_id or (
            user.enterprise_id is None and lic["holder_id"] != user.id):
        raise LicenceNotFound()  # someone else's licence looks like none
    now = now or local_now()
    token = signing.make_token(settings, licence_id, now)
    return VerificationLinkOut(licence_id=licence_id, token=token, url=f"{settings.base_url}/verify/{token}",
                               issued_at=now.replace(microsecond=0))


async def licence_qr(conn: Any, user: AuthUser, licence_id: int, settings: Settings, *,
                     now: datetime | None = None) -> bytes:
    """A PNG QR code of the licence's signed verification link, for its holder only."""
    link = await verification_link(conn, user, licence_id, settings, now=now)
    out = io.BytesIO()
    segno.make(link.url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def _holder(lic: Any) -> str | None:
    # A company's name is public (it is published in the disclosure list); a person's is masked.
    if lic["holder_kind"] == "company" and lic["company_name"]:
        return lic["company_name"]
    return mask_name(lic["holder_name"]) or "***"


async def verify(conn: Any, settings: Settings, token: str, *, now: datetime | None = None) -> VerificationOut:
    read = signing.read_token(settings, token)
    if read is None:
        raise VerificationTokenInvalid()
    licence_id, made = read
    lic = await q.licence_for_check(conn, id=licence_id)
    if lic is None:
        raise LicenceNotFound()
    now = now or local_now()
    on = local_day(now)
    if lic["status"] == "revoked":
        status = "revoked"
    elif lic["status"] == "expired" or (lic["valid_until"] is not None and lic["valid_until"] < on):
        status = "expired"
    else:
        status = "valid"
    return VerificationOut(genuine=True, valid=status == "valid" and lic["valid_from"] <= on, status=status,
                           type=lic["type"], name=lic["name"], number=lic["number"], holder=_holder(lic),
                           valid_from=lic["valid_from"], valid_until=lic["valid_until"],
                           revoked_at=lic["revoked_at"].astimezone(ZONE) if status == "revoked" and lic["revoked_at"] else None,
                           code_issued_at=made.astimezone(ZONE), checked_at=now)


async def seed_disclosure(conn: Any, settings: Settings) -> None:
    """Idempotent: marks the services for disclosure as the catalogue says (``disclose``; a
    ``person`` holder's licences are published as counts only) where nobody has decided yet.
    The shipped choice: administrative permits are published; filings, registrations and checks
    are not."""
    specs = await catalogue.all_specs(conn)
    await q.set_disclosure_defaults(conn, disclosed=[s.code for s in specs if s.disclose],
                                    individual=[s.code for s in specs if s.holder == "person"])
