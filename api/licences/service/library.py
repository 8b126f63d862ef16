"""The licence library: issuing a decided case's electronic licences and revoking what they replace.

- ``await issue_licences(conn, app_id, actor_id=...)`` on approval (approvals' last step, or an
  instant matter decided at submission): one licence per licence spec of the service (a bundle:
  per member service its answers apply for), in force from today or from the date the form
  names; the valid licence of the same holder, type and subject it replaces is revoked in the
  same transaction (``SUBJECT_FIELD``), both noted on the case's timeline.
- ``of_application`` / ``of_holder``: the licences as the applicant sees them (我的证照).

Delivering the paper licence is ``delivery`` (EMS, re-shipping, the applicant's changes)
and ``pickup`` (窗口自取, F131).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from api import clock
from api.applications import service as applications
from api.applications.schemas import LicenceOut
from api.catalogue import service as catalogue
from api.catalogue.schemas import LicenceSpec
from api.db import load_queries, rows
from api.licences.service.lifecycle import plan as lifecycle_plan
from api.licences import evidence
from api.documents import service as documents
from api.licences import numbers as licence_numbers

q = load_queries(Path(__file__).parents[1])


def licence_period(spec: LicenceSpec, form: dict[str, Any], today: date) -> tuple[date, date | None]:
    start = today
    if spec.starts_after_field and isinstance(form.get(spec.starts_after_field), str):
        start = max(today, date.fromisoformat(form[spec.starts_after_field]) + timedelta(days=1))
    if spec.valid_until_field and isinstance(form.get(spec.valid_until_field), str):
        return start, max(start, date.fromisoformat(form[spec.valid_until_field]))
    if spec.valid_years:
        base = start  # F029: from the car's registration, not the day of issue (yearsFromField)
        if spec.years_from_field and isinstance(form.get(spec.years_from_field), str):
            base = date.fromisoformat(form[spec.years_from_field])
        try:
            return start, max(start, base.replace(year=base.year + spec.valid_years) - timedelta(days=1))
        except ValueError:  # from 29 February
            return start, max(start, base.replace(year=base.year + spec.valid_years, day=28))
    return start, None


# What a licence is about, read from the application's form (its field names in services.json):
# a new licence of the same holder and type about the same subject replaces the one in the
# library (F028 the car's plate, F039 the vehicle's plate, F062 the ship, F021 the driver whose
# service card a company holds). Types not listed have no subject and replace nothing.
SUBJECT_FIELD = {
    "ridehail_vehicle_permit": "plateNo",
    "road_transport_certificate": "plateNo",
    "ship_operating_certificate": "shipName",
    "taxi_service_card": "driverIdNumber",
}
# Answers whose path issues no licence but cancels the one about the subject (F020: 注销注册).
CANCELLING = {"taxi_service_card": ("action", "deregister", "从业资格注册已注销")}
# F029: the cancellations that yield a signed 电子注销证明 (the FAQ promises it for the 网约车运输证)
CERTIFIED_CANCELLATIONS = {"ridehail_vehicle_permit"}


def _subject_value(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _replaced(lic_type: str, answers: dict[str, Any], form: dict[str, Any]) -> tuple[list[str], list[str], str]:
    """(subjects, licence numbers, reason) of what a new licence of ``lic_type`` replaces."""
    subjects = [_subject_value(form.get(SUBJECT_FIELD[lic_type]))]
    numbers: list[str | None] = []
    action = answers.get("action")
    reason = "同一对象已发放新证，原证作废"
    if lic_type == "ridehail_vehicle_permit" and action == "replace":
        # F028 车辆更新: "原车的电子运输证在新证发放时自动注销"
        subjects.append(_subject_value(form.get("oldPlateNo")))
        reason = "车辆更新，原车运输证随新车运输证发放注销"
    elif lic_type == "road_transport_certificate":  # F039: the reissued or replaced one takes its place
        reason = {"reissue": "已补发新证，原证作废", "replace": "已换发新证，原证作废"}.get(action, reason)
    elif lic_type == "ship_operating_certificate":
        # F062 "新证发放后旧证自动作废"; the form names the old certificate by its number too
        numbers.append(form.get("certNo").strip() if isinstance(form.get("certNo"), str) else None)
        reason = "已换发新证，旧证自动作废"
    elif lic_type == "taxi_service_card":
        reason = "已重新注册或延续注册，原服务监督卡作废"
    return [s for s in subjects if s], [n for n in numbers if n], reason


async def _revoke(conn: Any, app: applications.Case, lic_type: str, subjects: list[str], numbers: list[str], reason: str,
                  today: date, *, actor_id: int | None, at: datetime | None) -> list[Any]:
    """Revoke the holder's valid licences of ``lic_type`` about ``subjects`` (or numbered ``numbers``),
    each noted on this application's timeline. Returns the rows changed (revoked or found expired)."""
    if not subjects and not numbers:
        return []
    enterprise_id = await applications.enterprise_of(conn, app.id)  # the subject's library (issue 20)
    owner = f"e{enterprise_id}" if enterprise_id is not None else app.applicant_id
    for key in subjects:
        await q.lock_licence_subject(conn, key=f"{owner}:{lic_type}:{key}")
    changed = list(await rows(q.revoke_licences(conn, holder_id=app.applicant_id, enterprise_id=enterprise_id,
                                                type=lic_type, subjects=subjects,
                                                numbers=numbers, application_id=app.id, reason=reason,
                                                today=today, at=at)))
    for old in changed:
        if old["status"] == "revoked":
            await applications.append_event(conn, app, kind="licence", actor_id=actor_id,
                                            note=f"原证照作废：{old['name']}（{old['number']}）：{reason}",
                                            data={"revokedLicenceId": old["id"], "type": lic_type})
    return changed


async def _cancellation_certificate(conn: Any, app: applications.Case, act: Any, today: date,
                                    actor_id: int | None) -> None:
    """F029: a cancellation of a 网约车运输证 yields the signed 电子注销证明, on the case's timeline."""
    why = (app.form or {}).get("reason")
    document_id = await documents.request_cancellation_certificate(
        conn, app, licence_id=act.licence_id, reason=why if isinstance(why, str) else None, cancelled_on=today)
    await applications.append_event(conn, app, kind="licence", actor_id=actor_id,
                                    note=f"出具电子注销证明（{act.number}），可在“我的办件”中下载；凭此证明到公安交管部门"
                                         "将车辆使用性质变更为“非营运”",
                                    data={"cancellationCertificateId": document_id, "licenceId": act.licence_id})


async def issue_licences(conn: Any, application_id: int, *, actor_id: int | None,
                         now: datetime | None = None) -> list[LicenceOut]:
    """Issue the electronic licence(s) of an application into the library (a bundle issues one
    per member service), revoking in the same transaction the licence each one replaces (same
    holder, type and subject, ``SUBJECT_FIELD``), each numbered by ``api.licences.numbers``
    and its signed document requested
    (``api.documents``, rendered by a job). Idempotent: a second call returns the licences
    already issued and revokes nothing more. Returns the application's licences; empty when the
    answers' path issues none — a deregistration (``CANCELLING``) then revokes the licence it cancels."""
    app = await applications.lock_case(conn, application_id)
    spec, members = await catalogue.merged_spec(conn, app.service_code)
    # a bundle issues the licences of the members its answers apply for (no vehicle: no 道路运输证, F082)
    applying = catalogue.members_applying(spec, members, app.answers) if members else []
    specs = [m.licence for m in applying if m.licence] if members else ([spec.licence] if spec.licence else [])
    today = clock.local_day(now) if now else clock.today()  # ``now``: the app's clock, the day of issue
    answers, form = app.answers or {}, app.form or {}
    # issue 22: a lifecycle case (renew, reissue, change, cancel) revokes the licence it acts on and,
    # unless it cancels it, issues one of the same type in its place (``lifecycle.plan``)
    act, acted = await lifecycle_plan(conn, app, today), []
    if act is not None:
        acted = await _revoke(conn, app, act.licence_type, [], [act.number], act.reason, today, actor_id=actor_id, at=now)
        specs = [act.issues] if act.issues else []
        if act.issues is None and act.licence_type in CERTIFIED_CANCELLATIONS and acted:
            await _cancellation_certificate(conn, app, act, today, actor_id)
    elif not catalogue.path_of(spec, answers)[2]:
        for lic in specs:
            cancel = CANCELLING.get(lic.type)
            if cancel and answers.get(cancel[0]) == cancel[1] and lic.type in SUBJECT_FIELD:
                subject = _subject_value(form.get(SUBJECT_FIELD[lic.type]))
                await _revoke(conn, app, lic.type, [subject] if subject else [], [], cancel[2], today,
                              actor_id=actor_id, at=now)
        return []
    for lic in specs:
        valid_from, valid_until = licence_period(lic, form, today)
        replaced: list[Any] = []
        subject = _subject_value(form.get(SUBJECT_FIELD[lic.type])) if lic.type in SUBJECT_FIELD else None
        if lic.type in SUBJECT_FIELD and act is None:
            subjects, numbers, reason = _replaced(lic.type, answers, form)
            replaced = await _revoke(conn, app, lic.type, subjects, numbers, reason, today, actor_id=actor_id, at=now)
        if any(r["status"] == "revoked" and r["valid_from"] <= today for r in replaced):
            # The old one was in force and is void now (F062): the new one is in force at once —
            # its end date still counts from the old one's (F061 "不会损失剩余天数").
            valid_from = min(valid_from, today)
        if act is not None:  # issue 22: the term, subject and details the lifecycle case gives
            valid_from, valid_until, subject, replaced = act.valid_from, act.valid_until, act.subject, acted
        if await q.licence_of_application(conn, application_id=app.id, type=lic.type) is not None:
            continue  # issued by an earlier call: its number stays, no new one is taken
        number = await licence_numbers.next_number(conn, licence_type=lic.type, on=today)
        row = await q.insert_licence(conn, holder_id=app.applicant_id, type=lic.type, name=lic.name,
                                     number=number,
                                     valid_from=valid_from, valid_until=valid_until, application_id=app.id,
                                     data=act.data if act is not None else {"serviceCode": app.service_code}, subject=subject,
                                     issued_at=now)
        if row is not None and (enterprise_id := await applications.enterprise_of(conn, app.id)) is not None:
            await q.set_licence_enterprise(conn, id=row["id"], enterprise_id=enterprise_id)  # issue 20
        if row is not None:
            await evidence.record(conn, row["id"], app.id, automatic=actor_id is None)  # issue 21
            await q.link_replacement(conn, ids=[r["id"] for r in replaced], replaced_by=row["id"])
            await documents.request_licence_document(conn, row["id"], owner_id=app.applicant_id)
            await applications.append_event(conn, app, kind="licence", actor_id=actor_id,
                                            note=f"发放电子证照：{lic.name}", at=now,
                                            data={"licenceId": row["id"], "type": lic.type,
                                                  "replaces": [r["id"] for r in replaced if r["status"] == "revoked"]})
    return await of_application(conn, app.id)


def _licence_out(row: Any) -> LicenceOut:
    return LicenceOut(**{f: row[f] for f in LicenceOut.__struct_fields__})


async def of_application(conn: Any, application_id: int) -> list[LicenceOut]:
    return [_licence_out(r) for r in await rows(q.licences_of_application(conn, application_id=application_id))]


async def of_holder(conn: Any, holder_id: int, enterprise_id: int | None = None) -> list[LicenceOut]:
    """The library of the acting subject: the person's own licences, or the enterprise's."""
    if enterprise_id is not None:
        return [_licence_out(r) for r in await rows(q.licences_of_enterprise(conn, enterprise_id=enterprise_id))]
    return [_licence_out(r) for r in await rows(q.licences_of_holder(conn, holder_id=holder_id))]
