"""Ending a taxi driver's registration (F020): "与公司解除合同后，由原公司在掌上办提交注销申请，一般当日办结，
注销后新公司才能为您重新注册。原公司超过5个工作日未办理的，您可以在掌上办'帮办代办'中提出申请并上传解除合同的
证明，由我局核实后直接注销。资格证本身不受影响，仍然有效。"

- ``deregister_by_company``: the original company (acting as the enterprise that filed it) ends it in one
  step, the same day: the electronic service card is revoked (no longer verifies as valid); the
  qualification certificate is untouched. The act is on the registration case's timeline.
- ``request_by_driver``: from the day after the 5th working day after the contract's end, the driver
  asks with the proof of termination; it is a 帮办代办 request (F139: a navigator calls within 1
  working day) plus the proof; staff (approvers) read the proof and ``deregister_by_bureau`` or ``refuse``.
- ``check_free`` (taxi.register): a driver with a registration that stands cannot be registered again."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import notify
from api import uploads
from api.agency.errors import (
    AgencyAsPerson, ContractEndLater, DeregistrationRequested, DeregistrationRequestDone,
    DeregistrationRequestNotFound, DeregistrationTooEarly, TaxiNotRegistered, TaxiRegistrationLive,
    TerminationProofMissing, TerminationProofRefused,
)
from api.agency.schemas import (
    DEREGISTRATION_STATUS, DeregistrationRefusalIn, FilingOut, TaxiDeregistrationIn, TaxiDeregistrationRequestOut,
)
from api.agency.service import filing_out, q
from api.auth.schemas import AuthUser
from api.catalogue.service import load_workday_overrides
from api.clock import local_day
from api.db import rows
from api.enterprises.errors import ServiceNotGranted
from api.helpdesk.schemas_assist import AssistRequestIn
from api.identity import verified_identity
from api.helpdesk.service import assist
from api.licences import service as licences
from api.licences.service import lifecycle
from api.types import mask_name
from api.workdays import add_workdays

SERVICE = "taxi-driver-registration"
COMPANY_WAIT_WORKDAYS = 5  # F020: the original company has 5 working days
MAX_PROOF_BYTES = 10 * 1024 * 1024


async def check_free(conn: Any, driver_id: int, today: date) -> None:
    """Refuse a new registration while one stands (taken under the driver's lock till commit)."""
    await q.lock_driver(conn, driver_id=driver_id)
    if await q.live_registration(conn, driver_id=driver_id, today=today) is not None:
        raise TaxiRegistrationLive(field="driverIdNumber", faq="F020")


async def _end(conn: Any, actor: AuthUser, filing: Any, *, how: str, ended_on: date, now: datetime) -> None:
    """Revoke the service card, mark the filing, tell the driver (one transaction)."""
    reason = ("出租汽车公司办理注销" if how == "company" else "驾驶员申请、我局核实后注销") + \
        f"：合同于{ended_on.isoformat()}解除，从业资格注册已注销"
    for card in await licences.of_application(conn, filing["application_id"]):
        if card.status == "valid":
            await lifecycle.void(conn, actor, card.id, reason, now=now)  # also on the case's timeline, with the actor
    if await q.deregister(conn, id=filing["id"], how=how, contract_ended_on=ended_on, now=now) is None:
        raise TaxiNotRegistered()
    await notify.enqueue(conn, user_id=filing["principal_id"], event="taxi_registration_ended",
                         params={"companyName": filing["company_name"] or "", "endedOn": local_day(now).isoformat()},
                         dedupe_key=f"taxi_ended:{filing['id']}", subject=("application", filing["application_id"]))


async def deregister_by_company(conn: Any, user: AuthUser, filing_id: int, data: TaxiDeregistrationIn, *,
                                now: datetime) -> FilingOut:
    if user.enterprise_id is None:
        raise AgencyAsPerson("注销注册由原出租汽车公司办理：请先切换到企业身份。", faq="F020")
    if user.granted is not None and SERVICE not in user.granted:
        raise ServiceNotGranted()
    today = local_day(now)
    if data.contract_ended_on > today:
        raise ContractEndLater(field="contractEndedOn")
    view = await q.filing_view(conn, id=filing_id)
    if view is None or view["enterprise_id"] != user.enterprise_id:
        raise TaxiNotRegistered()
    filing = await q.live_registration(conn, driver_id=view["principal_id"], today=today)
    if filing is None or filing["id"] != filing_id or filing["application_status"] != "approved":
        raise TaxiNotRegistered()
    await _end(conn, user, filing, how="company", ended_on=data.contract_ended_on, now=now)
    if (open_ := await q.open_deregistration_request(conn, filing_id=filing_id)) is not None:
        await q.close_deregistration_request(conn, id=open_["id"], status="done", note="原公司已办理注销", now=now)
    return await filing_out(conn, filing_id)


def _request_out(row: Any, *, staff: bool = False) -> TaxiDeregistrationRequestOut:
    return TaxiDeregistrationRequestOut(
        id=row["id"], filing_id=row["filing_id"], application_id=row["application_id"], company_name=row["company_name"],
        contract_ended_on=row["contract_ended_on"], status=row["status"], status_name=DEREGISTRATION_STATUS[row["status"]],
        note=row["note"], created_at=row["created_at"], decided_at=row["decided_at"],
        assist_request_id=row["assist_request_id"], driver_name_masked=row.get("driver_name_masked") if staff else None,
        proof_url=f"/api/v1/agency/staff/taxi-deregistrations/{row['id']}/proof" if staff else None)


def _ended_on(values: dict[str, Any]) -> date:
    raw = values.get("contractEndedOn")
    try:
        if isinstance(raw, str) and len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise TerminationProofMissing(field="contractEndedOn")


async def request_by_driver(conn: Any, user: AuthUser, values: dict[str, Any], storage: Any, *,
                            now: datetime) -> TaxiDeregistrationRequestOut:
    """The driver's own request, once the company has let 5 working days pass (F020)."""
    if user.enterprise_id is not None:
        raise AgencyAsPerson()
    ended_on, today = _ended_on(values), local_day(now)
    if ended_on > today:
        raise ContractEndLater(field="contractEndedOn")
    filing = await q.live_registration(conn, driver_id=user.id, today=today)
    if filing is None or filing["application_status"] != "approved":
        raise TaxiNotRegistered()
    await load_workday_overrides(conn)
    waited_until = add_workdays(ended_on, COMPANY_WAIT_WORKDAYS)
    if today <= waited_until:
        raise DeregistrationTooEarly(field="contractEndedOn", companyUntil=waited_until.isoformat(), faq="F020")
    if await q.open_deregistration_request(conn, filing_id=filing["id"]) is not None:
        raise DeregistrationRequested()
    key, content_type, _ = await uploads.store_checked(
        values.get("file"), storage, f"taxi-deregistration/{filing['id']}", kinds=uploads.DOCUMENT_KINDS,
        max_bytes=MAX_PROOF_BYTES, missing=TerminationProofMissing(field="file"),
        refused=TerminationProofRefused(field="file"), too_large=TerminationProofRefused(field="file"))
    help_ = await assist.request_help(conn, user, AssistRequestIn(
        service_code=SERVICE, need=f"原公司（{filing['company_name'] or '—'}）超过5个工作日未办理从业资格注册注销，"
                                   f"合同于{ended_on.isoformat()}解除，已上传解除合同的证明，申请我局核实后直接注销。"), now=now)
    row = await q.add_deregistration_request(conn, filing_id=filing["id"], assist_request_id=help_.id,
                                             contract_ended_on=ended_on, proof_key=key, proof_type=content_type, now=now)
    if row is None:  # a simultaneous request won
        await storage.delete(key)
        raise DeregistrationRequested()
    return _request_out(await q.lock_deregistration_request(conn, id=row["id"]))


async def my_requests(conn: Any, user: AuthUser) -> list[TaxiDeregistrationRequestOut]:
    if user.enterprise_id is not None:
        return []
    return [_request_out(r) for r in await rows(q.deregistration_requests(conn, driver_id=user.id, status=None))]


async def staff_requests(conn: Any, status: str | None) -> list[TaxiDeregistrationRequestOut]:
    out = []
    for r in await rows(q.deregistration_requests(conn, driver_id=None, status=status)):
        driver = await verified_identity(conn, r["principal_id"])
        out.append(_request_out({**dict(r), "driver_name_masked": mask_name(driver.name) if driver else None},
                                staff=True))
    return out


async def _pending(conn: Any, request_id: int) -> Any:
    row = await q.lock_deregistration_request(conn, id=request_id)
    if row is None:
        raise DeregistrationRequestNotFound()
    if row["status"] != "pending":
        raise DeregistrationRequestDone()
    return row


async def deregister_by_bureau(conn: Any, user: AuthUser, request_id: int, *, now: datetime) -> TaxiDeregistrationRequestOut:
    """Staff checked the proof: the registration ends at once, as if the company had done it."""
    row = await _pending(conn, request_id)
    filing = await q.live_registration(conn, driver_id=row["principal_id"], today=local_day(now))
    if filing is None or filing["id"] != row["filing_id"]:
        raise TaxiNotRegistered()
    await _end(conn, user, filing, how="bureau", ended_on=row["contract_ended_on"], now=now)
    await q.close_deregistration_request(conn, id=request_id, status="done", note="我局核实后已直接注销", now=now)
    return _request_out(await q.lock_deregistration_request(conn, id=request_id), staff=True)


async def refuse(conn: Any, user: AuthUser, request_id: int, data: DeregistrationRefusalIn, *,
                 now: datetime) -> TaxiDeregistrationRequestOut:
    row = await _pending(conn, request_id)
    await q.close_deregistration_request(conn, id=request_id, status="refused", note=data.reason.strip(), now=now)
    await notify.enqueue(conn, user_id=row["principal_id"], event="taxi_deregistration_refused",
                         params={"reason": data.reason.strip()}, dedupe_key=f"taxi_dereg_refused:{request_id}",
                         subject=("application", row["application_id"]))
    return _request_out(await q.lock_deregistration_request(conn, id=request_id), staff=True)


async def proof(conn: Any, user: AuthUser, request_id: int, storage: Any) -> tuple[Any, str]:
    row = await q.lock_deregistration_request(conn, id=request_id)
    if row is None:
        raise DeregistrationRequestNotFound()
    await q.record_proof_seen(conn, application_id=row["application_id"], viewer_id=user.id)  # F145
    return storage.read(row["proof_key"]), row["proof_type"]
