"""The applicant's side: drafts, materials, submission with pre-review, withdrawal, views."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import msgspec
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from api import uploads
from api.applications import public_no as public_numbers, review, rules, service_pages, service_review
from api.applications.schemas import (
    ApplicationIn, ApplicationOut, ApplicationPatch, ApplicationSummary, EventOut, GapNoticeOut, LicenceOut,
    MaterialOut, ProgressOut, ProgressStep,
)
from api.applications.service import (
    ApplicationNotFound, _move, append_event, business_day, create_gap_notice, issue_licences, lock, q,
)
from api.applications.states import EDITABLE, STATUS_LABELS
from api.approvals import service_access as access
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import rows
from api.db import after_commit
from api.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, Unprocessable
from api.storage import LocalStorage


class PublicNoMistyped(NotFound):
    """办件编号有误（校验位不符），请核对后重新输入。"""

    code = "public_no_mistyped"


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


class MaterialNotFound(NotFound):
    """该办件没有这项材料。"""

    code = "material_not_found"


class MaterialNotRequested(Conflict):
    """补正期间只能修改一次性告知书要求补正的材料。"""

    code = "material_not_requested"


class MaterialExempt(Conflict):
    """这项材料已由电子证照免交，无需上传。"""

    code = "material_exempt"


class FileTooLarge(PayloadTooLarge):
    """文件超过大小限制（单个文件不超过10MB）。"""

    code = "file_too_large"


class FileEmpty(Unprocessable):
    """文件是空的。"""

    code = "file_empty"


class FileTypeRefused(Unprocessable):
    """只支持JPG、PNG图片和PDF文件。"""

    code = "file_type_refused"


class UploadMalformed(BadRequest):
    """请以 multipart/form-data 上传，文件字段名为 file。"""

    code = "upload_malformed"


# Sniffed from the first bytes, never from the file name or the declared type; then the whole
# file is parsed as that type (api.uploads) before it is kept.
_MAGIC = [(b"\xff\xd8\xff", "jpg", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
          (b"%PDF-", "pdf", "application/pdf")]


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind, mime in _MAGIC:
        if head.startswith(magic):
            return kind, mime
    return None


def _from_row(row: Any, struct: Any) -> Any:
    """A row as a response Struct (rows carry snake_case names, the Structs' JSON is camelCase)."""
    return struct(**{f: row[f] for f in struct.__struct_fields__})


async def _owned(conn: Any, user: AuthUser, application_id: int) -> Any:
    """Someone else's application does not exist for the caller (404, never 403)."""
    app = await q.get_application(conn, id=application_id)
    if app is None or app["applicant_id"] != user.id:
        raise ApplicationNotFound()
    return app


async def _readable(conn: Any, user: AuthUser, application_id: int, *, what: str = "detail",
                    material_code: str | None = None, page_no: int | None = None) -> Any:
    """The applicant's own case, or one a staff member may read (``approvals.service_access``:
    approvers of a step it is or was at or who acted on it, leads, admins). Everyone else —
    help-desk agents included, who see the public progress page — gets 404, never 403.
    A staff member's read is recorded (F145): ``what`` they look at, the detail or a file."""
    app = await q.get_application(conn, id=application_id)
    if app is None or not (app["applicant_id"] == user.id
                           or (user.is_staff and await access.read_case(conn, user, app, what=what,
                                                                        material_code=material_code,
                                                                        page_no=page_no))):
        raise ApplicationNotFound()
    return app


def _check_applicant(spec: Any, form: dict[str, Any]) -> None:
    if problem := rules.applicant_kind_problem(spec, form):
        raise CompanyOnly(problem, field="form.creditCode", faq="F072")


async def _sync_materials(conn: Any, app: Any, materials: list[Any], on: date | None = None) -> list[str]:
    """One slot per applicable material, exempt when a licence valid ``on`` (default today) stands
    for it; returns the keys of files whose material no longer applies (deleted after commit)."""
    licences = await catalogue.holder_licences(conn, app["applicant_id"], on)
    exempt = catalogue.exemptions(materials, licences)
    for m in materials:
        await q.upsert_material_slot(conn, application_id=app["id"], material_code=m.code, name=m.name,
                                     required=m.required,
                                     exempt_licence_id=exempt[m.code]["id"] if m.code in exempt else None)
    dropped = await rows(q.drop_material_slots(conn, application_id=app["id"], keep=[m.code for m in materials]))
    return [r["storage_key"] for r in dropped if r["storage_key"]]


def _check_form(spec: Any, answers: dict[str, str], form: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    catalogue.check_answers(spec, answers)
    materials, fields = catalogue.applicable(spec, answers)
    problems = rules.form_problems(fields, form)
    if problems:
        raise FormInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems), errors=problems)
    return materials, fields


async def create(conn: Any, user: AuthUser, data: ApplicationIn, storage: LocalStorage) -> ApplicationOut:
    spec, _ = await catalogue.merged_spec(conn, data.service_code)
    materials, _ = _check_form(spec, data.answers, data.form)
    _check_applicant(spec, data.form)
    instant, promised, _ = catalogue.path_of(spec, data.answers)
    app = await q.insert_application(conn, applicant_id=user.id, service_code=spec.code, answers=data.answers,
                                     form=data.form, is_instant=instant, promised_days=promised)
    await _sync_materials(conn, app, materials)
    return await view(conn, user, app["id"])


async def update(conn: Any, user: AuthUser, application_id: int, data: ApplicationPatch,
                 storage: LocalStorage) -> ApplicationOut:
    app = await _owned(conn, user, application_id)
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
    materials, _ = _check_form(spec, answers, form)
    _check_applicant(spec, form)
    instant, promised, _ = catalogue.path_of(spec, answers)
    await q.update_draft(conn, id=app["id"], answers=answers, form=form, is_instant=instant, promised_days=promised)
    for key in await _sync_materials(conn, app, materials):
        after_commit(conn, lambda key=key: storage.delete(key))
    return await view(conn, user, app["id"])


async def submit(conn: Any, user: AuthUser, application_id: int, *, now: datetime | None = None) -> ApplicationOut:
    """Pre-review everything; gaps -> one gap notice (or, on a resubmission, 422 listing what is
    still missing); an instant matter whose checks all pass is decided here and now, at any hour
    (F138). ``now``: the moment of submission (default the system clock); outside office hours the
    processing clock starts on the next working day (F138)."""
    app = await lock(conn, (await _owned(conn, user, application_id))["id"])
    if app["status"] not in EDITABLE:
        raise NotEditable()
    spec, _ = await catalogue.merged_spec(conn, app["service_code"])
    _check_applicant(spec, app["form"])
    materials, fields = catalogue.applicable(spec, app["answers"])
    today = business_day(now) if now else catalogue.today()
    await _sync_materials(conn, app, materials, today)  # the library as of the day the review looks
    slots = await rows(q.materials(conn, application_id=app["id"]))
    uploaded = {s["material_code"] for s in slots if s["storage_key"]}
    exempt = {s["material_code"] for s in slots if s["exempt_licence_id"]}
    gaps = rules.pre_review(fields=fields, rules=spec.rules, materials=materials, answers=app["answers"],
                            form=app["form"], uploaded=uploaded, exempt=exempt, today=today)
    # the automatic review (bulky cargo: 21 checks): what the applicant can fix joins the same notice
    checked = await service_review.run_and_store(conn, app, spec, fields=fields, materials=materials,
                                                 uploaded=uploaded, exempt=exempt, today=today)
    gaps = review.merge_gaps(gaps, checked)
    auto = app["is_instant"] and spec.auto_decide
    if app["status"] == "needs_supplement":
        if gaps:
            raise GapsRemain(gaps=gaps)
        app = await _move(conn, app, app["resume_status"], actor_id=user.id, note="补正材料后重新提交", data=None,
                          notify_applicant=not auto, now=now)
    else:
        app = await _move(conn, app, "submitted", actor_id=user.id, note=None, data=None,
                          notify_applicant=not gaps and not auto, now=now)
        if gaps:
            await create_gap_notice(conn, app["id"], gaps, actor_id=None, now=now)
            return await view(conn, user, app["id"])
    if auto and app["status"] == "submitted":
        app = await _move(conn, app, "accepted", actor_id=None, note="自动预审通过，即时受理", data=None,
                          notify_applicant=False, now=now)
        await issue_licences(conn, app["id"], actor_id=None)
        app = await lock(conn, app["id"])
        approved = await _move(conn, app, "approved", actor_id=None, note="即办件：自动核验全部通过，准予许可",
                               data={"automatic": True}, notify_applicant=True, now=now)
        # the paper licence leaves as an approver's decision would send it (F035, F064, F131)
        from api.approvals import service_fulfilment  # approvals builds on applications, not the reverse

        await service_fulfilment.prepare_delivery(conn, approved)
    return await view(conn, user, app["id"])


async def view(conn: Any, user: AuthUser, application_id: int) -> ApplicationOut:
    app = await _readable(conn, user, application_id)
    slots = await rows(q.materials(conn, application_id=app["id"]))
    pages = await service_pages.pages_by_material(conn, app["id"])
    events = await rows(q.events(conn, application_id=app["id"]))
    notices = await rows(q.gap_notices(conn, application_id=app["id"]))
    licences = await rows(q.licences_of_application(conn, application_id=app["id"]))
    return ApplicationOut(
        id=app["id"], public_no=app["public_no"], service_code=app["service_code"], service_name=app["service_name"],
        status=app["status"], status_label=STATUS_LABELS[app["status"]], instant=app["is_instant"],
        promised_days=app["promised_days"], answers=app["answers"], form=app["form"],
        materials=[service_pages.material_out(app["id"], s, pages.get(s["material_code"], [])) for s in slots],
        timeline=[EventOut(id=e["id"], kind=e["kind"], from_status=e["from_status"], to_status=e["to_status"],
                           note=e["note"], at=e["created_at"],
                           by_staff=e["actor_id"] is not None and e["actor_id"] != app["applicant_id"])
                  for e in events],
        licences=[_from_row(r, LicenceOut) for r in licences],
        created_at=app["created_at"], submitted_at=app["submitted_at"], accepted_at=app["accepted_at"],
        decided_at=app["decided_at"], due_on=app["due_on"], supplement_due_on=app["supplement_due_on"],
        gap_notice=_from_row(notices[-1], GapNoticeOut) if notices else None,
        progress_url=f"/api/v1/progress/{app['public_no']}" if app["public_no"] else None,
        clock_starts_on=app["clock_starts_on"], review=await service_review.latest(conn, app["id"]),
        copied_from=app["copied_from"],
        draft_id=await q.draft_copy_of(conn, source_id=app["id"]) if app["status"] == "withdrawn" else None,
    )


async def mine(conn: Any, user: AuthUser) -> list[ApplicationSummary]:
    return [ApplicationSummary(**{k: r[k] for k in ("id", "public_no", "status", "service_code", "service_name",
                                                   "created_at", "submitted_at", "due_on", "supplement_due_on")},
                               status_label=STATUS_LABELS[r["status"]])
            for r in await rows(q.list_mine(conn, applicant_id=user.id))]


async def my_licences(conn: Any, user: AuthUser) -> list[LicenceOut]:
    return [_from_row(r, LicenceOut) for r in await rows(q.licences_of_holder(conn, holder_id=user.id))]


async def _by_public_no(conn: Any, raw: str) -> Any:
    """The case behind a public number; a number whose shape or check character is wrong is
    refused before any database look-up."""
    number = public_numbers.normalise(raw)
    if number is None:
        raise PublicNoMistyped()
    return await q.get_by_public_no(conn, public_no=number)


async def progress(conn: Any, public_no: str) -> ProgressOut:
    app = await _by_public_no(conn, public_no)
    if app is None:
        raise ApplicationNotFound()
    events = await rows(q.events(conn, application_id=app["id"]))
    return ProgressOut(public_no=app["public_no"], service_name=app["service_name"], status=app["status"],
                       status_label=STATUS_LABELS[app["status"]], instant=app["is_instant"],
                       submitted_at=app["submitted_at"], due_on=app["due_on"],
                       supplement_due_on=app["supplement_due_on"],
                       steps=[ProgressStep(status=e["to_status"], label=STATUS_LABELS[e["to_status"]], at=e["created_at"])
                              for e in events if e["kind"] == "status"],
                       clock_starts_on=app["clock_starts_on"])


async def _file_part(body: AsyncIterator[bytes], content_type: str, writer: Any, limit: int) -> str | None:
    """Stream the ``file`` part of a multipart body into ``writer``; returns its file name.
    Stops reading as soon as the limit is passed."""
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadMalformed(field="file")
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "in_file": False, "found": False,
                             "name": None, "chunks": []}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["in_file"] = disp.get(b"name") == b"file" and not state["found"]
        if state["in_file"]:
            state["found"] = True
            state["name"] = (disp.get(b"filename") or b"").decode("utf-8", "replace")[:200] or None

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["in_file"]:
            state["chunks"].append(data[start:end])

    def on_part_end() -> None:
        state["in_file"], state["headers"] = False, {}

    parser = MultipartParser(boundary, {"on_header_field": on_header_field, "on_header_value": on_header_value,
                                        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
                                        "on_part_data": on_part_data, "on_part_end": on_part_end})
    async for chunk in body:
        parser.write(chunk)
        for piece in state["chunks"]:
            await writer.write(piece)
        state["chunks"].clear()
        if writer.size > limit:
            raise FileTooLarge(f"文件超过{limit // (1024 * 1024)}MB", field="file", limit=limit)
    parser.finalize()
    if not state["found"]:
        raise UploadMalformed(field="file")
    return state["name"]


async def _changeable(conn: Any, app: Any, material_code: str) -> tuple[Any, Any]:
    """(slot, catalogue material) of a material the applicant may change now: anything in a draft;
    while supplementing, only what the open gap notice asks for (what the approver already
    checked stays as checked)."""
    if app["status"] == "needs_supplement":
        notice = await q.open_gap_notice(conn, application_id=app["id"])
        if notice is None or material_code not in {g.get("code") for g in notice["gaps"]}:
            raise MaterialNotRequested(field=material_code)
    elif app["status"] != "draft":
        raise NotEditable()
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    if slot is None:
        raise MaterialNotFound(field=material_code)
    if slot["exempt_licence_id"] is not None:
        raise MaterialExempt(field=material_code)
    spec, _ = await catalogue.merged_spec(conn, app["service_code"])
    return slot, next(m for m in spec.materials if m.code == material_code)


async def upload(conn: Any, user: AuthUser, application_id: int, material_code: str, content_type: str,
                 body: AsyncIterator[bytes], storage: LocalStorage) -> MaterialOut:
    app = await _owned(conn, user, application_id)
    app = await lock(conn, app["id"])
    _, material = await _changeable(conn, app, material_code)
    writer = storage.writer()
    try:
        name = await _file_part(body, content_type, writer, material.max_bytes)
        if writer.size == 0:
            raise FileEmpty(field="file")
        sniffed = sniff(writer.head)
        if sniffed is None or sniffed[0] not in material.types:
            raise FileTypeRefused(f"{material.name}只接受：{'、'.join(t.upper() for t in material.types)}",
                                  field="file", accepted=list(material.types))
        await uploads.check(await writer.spooled(), sniffed[0])  # the whole file, not its first bytes
        key = f"applications/{app['id']}/{material_code}-{writer.sha256[:16]}-{id(writer):x}"
        await writer.commit(key)
    except BaseException:
        await writer.abort()
        raise
    # "this one file is the whole material": it replaces every page (F101 allows several)
    replaced = await service_pages.replace_with_one(conn, app["id"], material_code, storage_key=key,
                                                    content_type=sniffed[1], size_bytes=writer.size,
                                                    sha256=writer.sha256, original_name=name)
    for old in replaced:
        after_commit(conn, lambda old=old: storage.delete(old))
    await append_event(conn, app, kind="material", actor_id=user.id, note=f"上传材料：{material.name}",
                       data={"material": material_code, "sha256": writer.sha256, "size": writer.size})
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    return service_pages.material_out(app["id"], slot, await service_pages.pages_of(conn, app["id"], material_code))


async def material_file(conn: Any, user: AuthUser, application_id: int, material_code: str) -> tuple[str, str]:
    """(storage key, content type) of a file, for its owner and the staff who may read the case."""
    app = await _readable(conn, user, application_id, what="material", material_code=material_code)
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    if slot is None or slot["storage_key"] is None:
        raise MaterialNotFound(field=material_code)
    return slot["storage_key"], slot["content_type"]


async def progress_qr(conn: Any, public_no: str, base_url: str) -> bytes:
    """A PNG QR code that opens the public progress page of this case (扫码查进度)."""
    import io

    import segno

    app = await _by_public_no(conn, public_no)
    if app is None:
        raise ApplicationNotFound()
    out = io.BytesIO()
    segno.make(f"{base_url}/api/v1/progress/{app['public_no']}", error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()
