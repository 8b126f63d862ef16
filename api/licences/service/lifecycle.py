"""A licence's life after issue (issue 22): the lifecycle services and staff voiding.

A lifecycle service (catalogue ``lifecycle``: renew, reissue, change, cancel) is an application acting
on one licence of the applicant's library, chosen by id when the draft is made (``attach``) and checked
again at submission (``check_case``): the holder's own, of the service's licence type, in force, a
renewal only from ``opensDaysBefore`` days before expiry (F061/F134: 90) and never once expired (F065),
no other filed case open on it. On approval the library's issue function (``library.issue_licences``)
asks ``plan`` what to do: the licence acted on is revoked (superseded, voided or cancelled, with the
reason) and, unless the case cancels it, a new licence of the same type issued in its place:

- renew (换证): in force at once, its term continuing from the old expiry + 1 day (F061 "新证有效期从
  原证到期次日起算，不会损失剩余天数");
- reissue (补发, F150) and change (变更, F036/F070): the old licence's end date, a new number; a change
  carries the changed details (the case's form) in ``data.details``.

``void`` is the staff's 作废 with a reason, recorded on the issuing case's timeline (the audit chain).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from api.applications import service as applications
from api.applications.schemas import LicenceOut
from api.licences.schemas import LicenceActionOut
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.catalogue.schemas import LicenceSpec, ServiceSpec
from api.db import load_queries
from api.errors import Conflict, NotFound, Unprocessable

q = load_queries(Path(__file__).parents[1], "lifecycle.sql")

REASONS = {"renew": "已换发新证（到期换证），原证作废", "reissue": "已补发新证，原证作废",
           "change": "登记事项变更，已换发新证，原证作废"}
# form fields of a lifecycle case that are about the case, not the licence's details
CASE_FIELDS = frozenset({"reason", "reasonNote", "mobile", "deliveryMethod", "deliveryAddress", "pickupSite"})


class LicenceChoiceRequired(Unprocessable):
    """该事项需要选择一本您证照库中的证照（licenceId）。"""

    code = "licence_choice_required"


class LicenceChoiceUnexpected(Unprocessable):
    """该事项不针对已有证照办理，请不要选择证照。"""

    code = "licence_choice_unexpected"


class ActedLicenceNotFound(NotFound):
    """没有找到该证照，请从“我的证照”中选择。"""

    code = "acted_licence_not_found"


class LicenceTypeMismatch(Unprocessable):
    """所选证照不是该事项办理的证照类型，请重新选择。"""

    code = "licence_type_mismatch"


class LicenceNotInForce(Conflict):
    """所选证照已注销、作废或已过有效期，不能办理该事项；已过期的证照需重新申请。"""

    code = "licence_not_in_force"


class RenewalNotOpen(Conflict):
    """证照有效期届满前规定天数内才能申请换证，请在可办理之日起再申请。"""

    code = "renewal_not_open"


class LicenceActionPending(Conflict):
    """该证照已有正在办理的变更、换证、补发或注销申请，请等待办结后再申请。"""

    code = "licence_action_pending"


class LicenceNotVoidable(Conflict):
    """该证照已不在有效状态，不能作废。"""

    code = "licence_not_voidable"


class Act(msgspec.Struct, frozen=True):
    """What approving a lifecycle case does to the library (``library.issue_licences``)."""

    kind: str
    licence_id: int
    licence_type: str
    number: str  # the licence acted on, revoked with ``reason``
    reason: str
    issues: LicenceSpec | None  # the new licence's type and name; None: a cancellation issues none
    valid_from: date
    valid_until: date | None
    subject: str | None
    data: dict[str, Any]


def _theirs(lic: Any, holder_id: int, enterprise_id: int | None) -> bool:
    """The licence is in the acting subject's library: the enterprise's (whichever 经办人 filed it,
    issue 20), or the person's own."""
    if lic is None:
        return False
    if enterprise_id is not None:
        return lic["enterprise_id"] == enterprise_id
    return lic["holder_id"] == holder_id and lic["enterprise_id"] is None


def _in_force(lic: Any, today: date) -> bool:
    return lic["status"] == "valid" and (lic["valid_until"] is None or lic["valid_until"] >= today)


def renewal_opens_on(spec: ServiceSpec, valid_until: date) -> date:
    """The first day a licence ending on ``valid_until`` may be renewed (F061: 90 days before)."""
    return valid_until - timedelta(days=spec.lifecycle.opens_days_before if spec.lifecycle else 90)


async def check_target(conn: Any, holder_id: int, spec: ServiceSpec, licence_id: int | None, today: date, *,
                       application_id: int | None = None, enterprise_id: int | None = None) -> Any:
    """The licence a case of ``spec`` acts on, checked (None for a service acting on none): in the
    library of the case's subject (``enterprise_id``, else the person ``holder_id``)."""
    lc = spec.lifecycle
    if lc is None:
        if licence_id is not None:
            raise LicenceChoiceUnexpected(field="licenceId")
        return None
    if licence_id is None:
        raise LicenceChoiceRequired(field="licenceId", licenceType=lc.licence_type)
    lic = await (q.lock_licence if application_id else q.licence_by_id)(conn, id=licence_id)
    if not _theirs(lic, holder_id, enterprise_id):
        raise ActedLicenceNotFound(field="licenceId")  # someone else's licence looks like none
    if lic["type"] != lc.licence_type:
        raise LicenceTypeMismatch(field="licenceId", licenceType=lc.licence_type)
    if not _in_force(lic, today):
        raise LicenceNotInForce(field="licenceId", status=lic["status"], faq="F065")
    if lc.kind == "renew":
        if lic["valid_until"] is None:
            raise LicenceTypeMismatch("该证照长期有效，无需换证", field="licenceId", licenceType=lc.licence_type)
        opens = renewal_opens_on(spec, lic["valid_until"])
        if today < opens:
            raise RenewalNotOpen(f"有效期届满前{lc.opens_days_before}天内才能申请换证，{opens.isoformat()}起可以申请",
                                 field="licenceId", opensOn=opens.isoformat(),
                                 validUntil=lic["valid_until"].isoformat(), faq="F061")
    if pending := await q.open_action(conn, licence_id=licence_id, except_id=application_id):
        raise LicenceActionPending(field="licenceId", publicNo=pending["public_no"])
    return lic


async def attach(conn: Any, application_id: int, spec: ServiceSpec, licence_id: int | None) -> None:
    """Record the licence a new draft acts on (checked with ``check_target`` before)."""
    if spec.lifecycle is not None and licence_id is not None:
        await q.attach_action(conn, application_id=application_id, licence_id=licence_id, kind=spec.lifecycle.kind)


async def acted_on(conn: Any, application_id: int) -> int | None:
    action = await q.action_of(conn, application_id=application_id)
    return action["licence_id"] if action else None


async def check_case(conn: Any, application_id: int, holder_id: int, spec: ServiceSpec, today: date) -> None:
    """At submission: the licence the case acts on is still one it may act on (locked till commit).
    A draft saved from a withdrawn case (``copied_from``) acts on the licence its original did."""
    if spec.lifecycle is None:
        return
    licence_id = await acted_on(conn, application_id)
    case = await q.case_subject(conn, application_id=application_id)
    if licence_id is None and case["copied_from"] is not None:
        licence_id = await acted_on(conn, case["copied_from"])
        await attach(conn, application_id, spec, licence_id)
    await check_target(conn, holder_id, spec, licence_id, today, application_id=application_id,
                       enterprise_id=case["enterprise_id"])


async def _issuing_spec(conn: Any, licence_type: str) -> LicenceSpec | None:
    """The licence spec of the (plain) service issuing this type: its term in years."""
    for s in sorted(await catalogue.all_specs(conn), key=lambda s: s.code):
        if s.licence is not None and s.licence.type == licence_type and not s.is_bundle:
            return s.licence
    return None


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


async def plan(conn: Any, app: applications.Case, today: date) -> Act | None:
    """What approving ``app`` does to the library; None when it acts on no licence. Called again
    for a case already decided (an idempotent second issue), it plans the same act."""
    action = await q.action_of(conn, application_id=app.id)
    if action is None:
        return None
    spec = await catalogue.get_spec(conn, app.service_code)
    lic = await q.lock_licence(conn, id=action["licence_id"])
    # filed in time, a renewal decided after the old end date still goes through (the old one then
    # lapses as expired); a licence revoked meanwhile by someone else cannot be acted on
    if lic["status"] != "valid" and lic["revoked_by_application_id"] != app.id:
        raise LicenceNotInForce(licenceId=lic["id"], status=lic["status"])
    form = app.form or {}
    kind = action["kind"]
    base = {k: v for k, v in (lic["data"] or {}).items() if k not in ("lifecycle", "termStartsOn")}
    data: dict[str, Any] = {**base, "lifecycle": {"kind": kind, "serviceCode": app.service_code,
                                                  "previousLicenceId": lic["id"], "previousNumber": lic["number"]}}
    if kind == "cancel":
        why = form.get("reason") if isinstance(form.get("reason"), str) else "持证人申请"
        return Act(kind=kind, licence_id=lic["id"], licence_type=lic["type"], number=lic["number"],
                   reason=f"{spec.name}：{why}", issues=None, valid_from=today, valid_until=None,
                   subject=lic["subject"], data=data)
    valid_until = lic["valid_until"]
    if kind == "renew":
        term = await _issuing_spec(conn, lic["type"])
        starts = valid_until + timedelta(days=1)
        valid_until = _years_after(starts, term.valid_years) - timedelta(days=1) if term and term.valid_years else None
        data["termStartsOn"] = starts.isoformat()
    elif kind == "change":
        changes = {k: v for k, v in form.items() if k not in CASE_FIELDS}
        data["details"] = {**(base.get("details") or {}), **changes}
    return Act(kind=kind, licence_id=lic["id"], licence_type=lic["type"], number=lic["number"],
               reason=REASONS[kind], issues=LicenceSpec(type=lic["type"], name=lic["name"]), valid_from=today,
               valid_until=valid_until if valid_until is None else max(valid_until, today),
               subject=lic["subject"], data=data)


def _licence_out(row: Any) -> LicenceOut:
    return LicenceOut(**{f: row[f] for f in LicenceOut.__struct_fields__})


async def void(conn: Any, user: AuthUser, licence_id: int, reason: str, *, now: datetime) -> LicenceOut:
    """作废 by staff: the licence stops being valid at once (library, ``/verify``, exemptions), the
    reason and who did it recorded; on the issuing case's timeline (the audit chain) when it has one."""
    lic = await q.lock_licence(conn, id=licence_id)
    if lic is None:
        raise ActedLicenceNotFound()
    row = await q.void_licence(conn, id=licence_id, reason=reason, staff_id=user.id, at=now)
    if row is None:
        raise LicenceNotVoidable(status=lic["status"])
    if lic["application_id"] is not None:
        case = await applications.get_case(conn, lic["application_id"])
        await applications.append_event(conn, case, kind="licence", actor_id=user.id,
                                        note=f"证照作废：{lic['name']}（{lic['number']}）：{reason}",
                                        data={"voidedLicenceId": lic["id"], "reason": reason})
    return _licence_out(row)


async def renewal_service(conn: Any, licence_type: str) -> str | None:
    """The service code a holder renews a licence of this type with (reminders link to it)."""
    return await q.renewal_service(conn, licence_type=licence_type)


async def actions(conn: Any, user: AuthUser, licence_id: int, today: date) -> list[LicenceActionOut]:
    """The lifecycle services for one of the caller's licences, and whether each is open today."""
    lic = await q.licence_by_id(conn, id=licence_id)
    if not _theirs(lic, user.id, user.enterprise_id):
        raise ActedLicenceNotFound()
    out = []
    for spec in sorted(await catalogue.all_specs(conn), key=lambda s: s.code):
        if spec.lifecycle is None or spec.lifecycle.licence_type != lic["type"] or not spec.active:
            continue
        available, opens = _in_force(lic, today), None
        if spec.lifecycle.kind == "renew":
            opens = renewal_opens_on(spec, lic["valid_until"]) if lic["valid_until"] else None
            available = available and opens is not None and today >= opens
        out.append(LicenceActionOut(service_code=spec.code, service_name=spec.name, kind=spec.lifecycle.kind,
                                    available=available, opens_on=opens))
    return out
