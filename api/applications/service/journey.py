"""The applicant's side: drafts, submission with pre-review, views. Files: ``upload``; public progress:
``progress``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from api import clock
from api.applications import review, rules
from api.applications.service import gap_rules, locked, pages, pauses, rereview, review_runs, subject
from api.applications.schemas import (
    ApplicationIn, ApplicationOut, ApplicationPatch, ApplicationSummary, EventOut, GapNoticeOut, LicenceOut,
)
from api.applications.service.cases import ApplicationNotFound, Case, append_event, create_gap_notice, lock, move, q
from api.applications.service.applicant import applicant_fields, applicant_of, fill_applicant
from api.applications.states import EDITABLE, STATUS_LABELS
from api.approvals.service import access
from api.auth.schemas import AuthUser
from api.catalogue import exemption, service as catalogue
from api.db import rows
from api.db import after_commit
from api.errors import Conflict, Unprocessable
from api.licences import service as licences
from api.licences.service import delivery, lifecycle
from api.licences.sources import submitted as sources
from api.storage import LocalStorage


class CompanyOnly(Unprocessable):
    """只有企业法人可以申请，个人和个体工商户不能申请。"""

    code = "company_applicant_required"


class FormInvalid(Unprocessable):
    """表单内容有误，请按提示修改。"""

    code = "form_invalid"


class GapsRemain(Unprocessable):
    """还有未补正的内容，请按一次性告知书补齐后再提交。"""

    code = "gaps_remain"


class NotEditable(Conflict):
    """办件已提交，当前不能修改。"""

    code = "application_not_editable"


def _from_row(row: Any, struct: Any) -> Any:
    """A row as a response Struct (rows carry snake_case names, the Structs' JSON is camelCase)."""
    return struct(**{f: row[f] for f in struct.__struct_fields__})


async def owned(conn: Any, user: AuthUser, application_id: int) -> Any:
    """Someone else's application does not exist for the caller (404, never 403)."""
    app = await q.get_application(conn, id=application_id)
    if app is None or not await subject.reaches(conn, user, app):
        raise ApplicationNotFound()
    return app


async def readable(conn: Any, user: AuthUser, application_id: int, *, what: str = "detail",
                    material_code: str | None = None, page_no: int | None = None) -> Any:
    """The applicant's own case, or one a staff member may read (``approvals.service.access``:
    approvers of a step it is or was at or who acted on it, leads, admins). Everyone else —
    help-desk agents included, who see the public progress page — gets 404, never 403.
    A staff member's read is recorded (F145): ``what`` they look at, the detail or a file."""
    app = await q.get_application(conn, id=application_id)
    if app is None:
        raise ApplicationNotFound()
    if not await subject.reaches(conn, user, app) and not (
            user.is_staff and await access.read_case(conn, user, msgspec.convert(dict(app), Case), what=what,
                                                     material_code=material_code, page_no=page_no)):
        raise ApplicationNotFound()
    return app


def _check_applicant(spec: Any, form: dict[str, Any]) -> None:
    if problem := rules.applicant_kind_problem(spec, form):
        raise CompanyOnly(problem, field="form.creditCode", faq="F072")


async def sync_materials(conn: Any, app: Any, materials: list[Any], on: date | None = None,
                         form: dict[str, Any] | None = None) -> list[str]:
    """One slot per applicable material, exempt when a licence valid ``on`` (default today) stands
    for it; returns the keys of files whose material no longer applies (deleted after commit)."""
    licences = await catalogue.holder_licences(conn, app["applicant_id"], on, enterprise_id=app["enterprise_id"])
    exempt = exemption.match(materials, licences, app["form"] if form is None else form)  # a vehicle's: its plate
    for m in materials:
        found = exempt.get(m.code)
        await q.upsert_material_slot(conn, application_id=app["id"], material_code=m.code, name=m.name,
                                     required=m.required, exempt_licence_id=found.licence.id if found else None,
                                     exempt_reason=found.reason if found else None)
    dropped = await rows(q.drop_material_slots(conn, application_id=app["id"], keep=[m.code for m in materials]))
    return [r["storage_key"] for r in dropped if r["storage_key"]]


def _check_form(spec: Any, answers: dict[str, str], form: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    catalogue.check_answers(spec, answers)
    materials, fields = catalogue.applicable(spec, answers)
    problems = rules.form_problems(fields, form)
    if problems:
        raise FormInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems), errors=problems)
    return materials, fields


async def _filed_form(conn: Any, spec: Any, answers: dict[str, str], form: dict[str, Any], user_id: int,
                      holder: Any) -> tuple[dict[str, Any], list[Any]]:
    """The form as kept and its materials: what was typed is checked first (a malformed value is refused
    even where the identity replaces it), then a person's own case gets the verified name and ID (issue 19)."""
    _check_form(spec, answers, form)
    form = form if holder else await applicant_fields(conn, user_id, form, spec)
    return form, _check_form(spec, answers, form)[0]


async def create(conn: Any, user: AuthUser, data: ApplicationIn, storage: LocalStorage, *,
                 now: datetime | None = None) -> ApplicationOut:
    spec, _ = await catalogue.merged_spec(conn, data.service_code)
    holder = await subject.acting_enterprise(conn, user, spec.code)  # issue 20: filed for the acting subject
    form = subject.stamped_form(data.form, spec, data.answers, holder)
    form, materials = await _filed_form(conn, spec, data.answers, form, user.id, holder)
    _check_applicant(spec, form)
    # issue 22: a lifecycle service acts on one licence of the caller's library, chosen by id
    await lifecycle.check_target(conn, user.id, spec, data.licence_id, clock.local_day(now) if now else clock.today(),
                                 enterprise_id=user.enterprise_id)
    instant, promised, _ = catalogue.path_of(spec, data.answers)
    app = await q.insert_application(conn, applicant_id=user.id, service_code=spec.code, answers=data.answers,
                                     form=form, is_instant=instant, promised_days=promised)
    await subject.set_subject(conn, app["id"], holder, user.enterprise_id)
    await lifecycle.attach(conn, app["id"], spec, data.licence_id)
    await sync_materials(conn, await lock(conn, app["id"]), materials)  # as filed: the subject's library
    return await view(conn, user, app["id"])


async def update(conn: Any, user: AuthUser, application_id: int, data: ApplicationPatch,
                 storage: LocalStorage) -> ApplicationOut:
    app = await owned(conn, user, application_id)
    app = await lock(conn, app["id"])
    if app["status"] not in EDITABLE:
        raise NotEditable()
    spec, _ = await catalogue.merged_spec(conn, app["service_code"])
    answers = dict(data.answers) if data.answers is not None else dict(app["answers"])
    form = dict(app["form"])
    for key, value in (data.form or {}).items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    _, fields = catalogue.applicable(spec, answers)
    form = {k: v for k, v in form.items() if any(f.code == k for f in fields) or k in (data.form or {})}
    form = await subject.stamp_case(conn, app, form, fields)
    form, materials = await _filed_form(conn, spec, answers, form, app["applicant_id"], app["enterprise_id"])
    _check_applicant(spec, form)
    instant, promised, _ = catalogue.path_of(spec, answers)
    await q.update_draft(conn, id=app["id"], answers=answers, form=form, is_instant=instant, promised_days=promised)
    for key in await sync_materials(conn, app, materials, form=form):
        after_commit(conn, lambda key=key: storage.delete(key))
    return await view(conn, user, app["id"])


async def submit(conn: Any, user: AuthUser, application_id: int, *, now: datetime | None = None,
                 asked: Any = None) -> ApplicationOut:
    """Pre-review everything; gaps -> one gap notice (or, on a resubmission, 422 listing what is
    still missing); an instant matter whose checks all pass is decided here and now, at any hour
    (F138). ``now``: the moment of submission (default the system clock); outside office hours the
    processing clock starts on the next working day (F138)."""
    app = await lock(conn, (await owned(conn, user, application_id))["id"])
    if app["status"] not in EDITABLE:
        raise NotEditable()
    spec, _ = await catalogue.merged_spec(conn, app["service_code"])
    app = await fill_applicant(conn, await subject.submitter(conn, user, app), app, spec)  # F088, F093
    _check_applicant(spec, app["form"])
    await subject.check_holder_kind(conn, spec, app)  # F092: the wrong subject is told to switch
    materials, fields = catalogue.applicable(spec, app["answers"])
    today = clock.local_day(now) if now else clock.today()
    await lifecycle.check_case(conn, app["id"], app["applicant_id"], spec, today)  # still theirs, in force, open
    if asked is not None:  # the trusted sources asked afresh before the transaction (submission.py); down: uploads
        await sources.on_submit(conn, app, asked)
    app = await locked.recheck(conn, app, fields, today)  # pre-filled locked values as identity and licences say
    await sync_materials(conn, app, materials, today)  # the library as of the day the review looks
    slots = await rows(q.materials(conn, application_id=app["id"]))
    uploaded = {s["material_code"] for s in slots if s["storage_key"]}
    exempt = {s["material_code"] for s in slots if s["exempt_licence_id"]}
    gaps = rules.pre_review(fields=fields, rules=spec.rules, materials=materials, answers=app["answers"],
                            form=app["form"], uploaded=uploaded, exempt=exempt, today=today)
    # the automatic review (bulky cargo: 21 checks): what the applicant can fix joins the same notice
    checked = await review_runs.run_and_store(conn, app, spec, fields=fields, materials=materials,
                                                 uploaded=uploaded, exempt=exempt, today=today)
    gaps = review.merge_gaps(gaps, checked)
    auto = app["is_instant"] and spec.auto_decide
    # an automatic decision rests only on trusted licences and named checks, never on a file (issue 21)
    manual = exemption.manual_reason(materials, uploaded, exempt) if auto and not gaps else None
    auto = auto and manual is None
    await q.set_manual_reason(conn, id=app["id"], reason=manual)
    if app["status"] == "needs_supplement":
        if gaps:
            raise GapsRemain(gaps=gaps)
        app = await move(conn, app, app["resume_status"], actor_id=user.id, note="补正材料后重新提交", data=None,
                          notify_applicant=not auto, now=now)
    else:
        app = await move(conn, app, "submitted", actor_id=user.id, note=None, data=None,
                          notify_applicant=not gaps and not auto, now=now)
        if gaps:
            await create_gap_notice(conn, app["id"], gaps, actor_id=None, now=now)
            return await view(conn, user, app["id"])
    if manual:
        await append_event(conn, app, kind="material", actor_id=None, note=manual, data={"manualCheck": True})
    if auto and app["status"] == "submitted":
        app = await move(conn, app, "accepted", actor_id=None, note="自动预审通过，即时受理", data=None,
                          notify_applicant=False, now=now)
        await licences.issue_licences(conn, app["id"], actor_id=None, now=now)
        app = await lock(conn, app["id"])
        approved = await move(conn, app, "approved", actor_id=None, note="即办件：自动核验全部通过，准予许可",
                               data={"automatic": True}, notify_applicant=True, now=now)
        # the paper licence leaves as an approver's decision would send it (F035, F064, F131)
        await delivery.prepare_delivery(conn, approved["id"], clock.local_day(now) if now else None)
    return await view(conn, user, app["id"])


async def view(conn: Any, user: AuthUser, application_id: int) -> ApplicationOut:
    app = await readable(conn, user, application_id)
    slots = await rows(q.materials(conn, application_id=app["id"]))
    by_material = await pages.pages_by_material(conn, app["id"])
    events = await rows(q.events(conn, application_id=app["id"]))
    notices = await rows(q.gap_notices(conn, application_id=app["id"]))
    return ApplicationOut(
        id=app["id"], public_no=app["public_no"], service_code=app["service_code"], service_name=app["service_name"],
        status=app["status"], status_label=STATUS_LABELS[app["status"]], instant=app["is_instant"],
        promised_days=app["promised_days"], answers=app["answers"], form=app["form"],
        materials=[pages.material_out(app["id"], s, by_material.get(s["material_code"], [])) for s in slots],
        timeline=[EventOut(id=e["id"], kind=e["kind"], from_status=e["from_status"], to_status=e["to_status"],
                           note=e["note"], at=e["created_at"],
                           by_staff=e["actor_id"] is not None and e["actor_id"] != app["applicant_id"])
                  for e in events],
        licences=await licences.of_application(conn, app["id"]),
        created_at=app["created_at"], submitted_at=app["submitted_at"], accepted_at=app["accepted_at"],
        decided_at=app["decided_at"], supplement_due_on=app["supplement_due_on"],
        due_on=await pauses.expected_due(conn, app["id"], app["due_on"], clock.today()),  # paused days not counted
        pauses=await pauses.pauses_of(conn, app["id"]), gap_additions=await gap_rules.additions_of(conn, app["id"]),
        rereviews=await rereview.of_case(conn, app["id"]),
        gap_notice=_from_row(notices[-1], GapNoticeOut) if notices else None,
        progress_url=f"/api/v1/progress/{app['public_no']}" if app["public_no"] else None,
        clock_starts_on=app["clock_starts_on"], review=await review_runs.latest(conn, app["id"]),
        copied_from=app["copied_from"], licence_id=await lifecycle.acted_on(conn, app["id"]),
        draft_id=await q.draft_copy_of(conn, source_id=app["id"]) if app["status"] == "withdrawn" else None,
        applicant=await applicant_of(conn, app["applicant_id"]),
    )


async def mine(conn: Any, user: AuthUser) -> list[ApplicationSummary]:
    return [ApplicationSummary(**{k: r[k] for k in ("id", "public_no", "status", "service_code", "service_name",
                                                   "created_at", "submitted_at", "due_on", "supplement_due_on")},
                               status_label=STATUS_LABELS[r["status"]])
            for r in await subject.list_rows(conn, user)]


async def my_licences(conn: Any, user: AuthUser) -> list[LicenceOut]:
    return await licences.of_holder(conn, user.id, user.enterprise_id)
