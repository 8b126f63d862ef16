"""Signed documents: asked for in the transaction that decides, rendered and signed by a job.

Other areas call (each in the request's transaction, nothing heavy on the request path):

- ``request_licence_document(conn, licence_id, owner_id=..., reason=...)``: a new version of a
  licence's electronic licence (at issue, and again on every change: earlier versions are kept);
- ``request_refusal_letter(conn, case, reason=..., legal_basis=...)``: the 不予行政许可决定书 of a
  refused case (F104); ``request_gap_notice_letter(conn, case, notice)``: the 一次性告知书 of a
  return for materials; ``request_cancellation_certificate(conn, case, licence_id=...)``: the
  电子注销证明 of a cancelled licence (F029).

Each writes a 'pending' row and queues ``render_document`` after commit; the job (``render``) reads
what the document says, draws it (``pdf``), signs it (``sign``, the bureau's key from ``keys``)
and stores it. The holder downloads it (``licence_pdf``, ``document_pdf``), gated like the licence
library: only the licence's holder, or the case's applicant, with a verified identity.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import anyio
import msgspec

from api import clock
from api.applications import service as applications
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import after_commit, load_queries, rows, transaction
from api.disclosure import signing as verification
from api.documents import content as contents
from api.documents.render import draw_and_sign
from api.documents.schemas import DocumentOut
from api.enterprises import service as enterprises
from api.errors import Conflict, NotFound
from api.identity import require_verified, verified_identity
from api.settings import Settings
from notify import queue as notify_queue

q = load_queries(__file__)
JOB = "render_document"


class DocumentNotFound(NotFound):
    """没有找到该文书。"""

    code = "document_not_found"


class DocumentNotReady(Conflict):
    """电子文书正在生成并签章，请稍后再试。"""

    code = "document_not_ready"
    keep_changes = True  # a licence issued before documents existed: the request for one stays


def job_id(document_id: int) -> str:
    return f"document:{document_id}"


def _queue_after_commit(conn: Any, document_id: int) -> None:
    after_commit(conn, lambda: notify_queue.enqueue_job(JOB, document_id, job_id=job_id(document_id)))


async def request_licence_document(conn: Any, licence_id: int, *, owner_id: int, reason: str = "签发") -> int:
    """A new version of the licence's document (version 1 at issue); earlier versions are kept."""
    document_id = await q.request_licence_document(conn, licence_id=licence_id, owner_id=owner_id, reason=reason)
    _queue_after_commit(conn, document_id)
    return document_id


async def _request_letter(conn: Any, ref: str, kind: str, case: Any, params: dict[str, Any]) -> int:
    document_id = await q.request_letter(conn, ref=ref, kind=kind, application_id=case.id,
                                         owner_id=case.applicant_id, params=params)
    _queue_after_commit(conn, document_id)
    return document_id


async def request_refusal_letter(conn: Any, case: Any, *, reason: str | None, legal_basis: str | None) -> int:
    """F104: the 不予行政许可决定书 of a refused case: the reasons, the legal basis (the catalogue's
    ``legalBasis``) and the remedies (行政复议 within 60 days, 行政诉讼 within 6 months)."""
    return await _request_letter(conn, f"refusal:{case.id}", "refusal", case,
                                 {"reason": reason or "", "legalBasis": legal_basis or contents.DEFAULT_LEGAL_BASIS,
                                  "remedies": contents.RECONSIDERATION})


async def request_gap_notice_letter(conn: Any, case: Any, notice: Any) -> int:
    """The 一次性告知书 of a return for materials, listing every gap once."""
    return await _request_letter(conn, f"gap_notice:{notice.id}", "gap_notice", case,
                                 {"gapNoticeId": notice.id, "gaps": notice.gaps, "dueOn": contents.cn_date(notice.due_on)})


async def request_cancellation_certificate(conn: Any, case: Any, *, licence_id: int, reason: str | None,
                                           cancelled_on: date) -> int:
    """F029: the 电子注销证明 of the licence a cancelling case revoked (one per case: a repeat returns it)."""
    return await _request_letter(conn, f"cancellation:{case.id}", "cancellation", case,
                                 {"licenceId": licence_id, "reason": reason or "", "cancelledOn": cancelled_on.isoformat()})


async def _holder(conn: Any, lic: Any) -> tuple[str, str | None]:
    """(name, identifying number) of a licence's holder: its enterprise, else its verified person."""
    if lic["enterprise_id"] is not None and (company := await enterprises.enterprise_holder(conn, lic["enterprise_id"])):
        return company.name, f"统一社会信用代码 {company.credit_code}"
    return contents.holder_of({}, await verified_identity(conn, lic["holder_id"]))


async def _person_name(conn: Any, user_id: int, form: dict[str, Any]) -> str:
    company = form.get("companyName")
    if isinstance(company, str) and company.strip():
        return company.strip()
    person = await verified_identity(conn, user_id)
    return person.name if person else "申请人"


async def _content(conn: Any, doc: Any, settings: Settings, now: datetime) -> dict[str, Any] | None:
    """What the document says, or None when its subject is gone."""
    if doc["kind"] == "licence":
        lic = await q.licence_for_document(conn, id=doc["licence_id"])
        if lic is None:
            return None
        spec = None
        if lic["service_code"]:
            spec, _ = await catalogue.merged_spec(conn, lic["service_code"])
        person = await verified_identity(conn, lic["holder_id"])
        if lic["enterprise_id"] is not None:  # the enterprise's licence (issue 20): its registered name and code
            company = await enterprises.enterprise_holder(conn, lic["enterprise_id"])
            if company is not None:
                lic = {**dict(lic), "form": {**(lic["form"] or {}), "companyName": company.name,
                                             "creditCode": company.credit_code}}
        url = f"{settings.base_url}/verify/{verification.make_token(settings, lic['id'], now)}"
        return contents.licence_content(lic, spec, person, version=doc["version"], reason=doc["reason"],
                                        verify_url=url, authority=spec.department if spec else "市交通运输局")
    case = await applications.get_case(conn, doc["application_id"])
    spec, _ = await catalogue.merged_spec(conn, case.service_code)
    if doc["kind"] == "cancellation":  # F029: the cancelled licence as it stood, its /verify page on the QR
        lic = await q.licence_for_document(conn, id=(doc["params"] or {})["licenceId"])
        url = f"{settings.base_url}/verify/{verification.make_token(settings, lic['id'], now)}"
        return contents.cancellation_content(case, spec, lic, *await _holder(conn, lic), doc["params"], url)
    name = await _person_name(conn, case.applicant_id, case.form or {})
    build = contents.refusal_content if doc["kind"] == "refusal" else contents.gap_notice_content
    return build(case, spec, name, doc["params"] or {}, clock.local_day(doc["created_at"]))


async def render(pool: Any, settings: Settings, document_id: int, *, now: datetime | None = None) -> str:
    """Render and sign one pending document. Idempotent: a ready one is left as it is.
    Returns what happened: rendered, skipped (already ready or gone)."""
    now = now or clock.local_now()
    async with transaction(pool) as conn:
        doc = await q.document_to_render(conn, id=document_id)
        if doc is None or doc["status"] != "pending":
            return "skipped"
        content = await _content(conn, doc, settings, now)
    if content is None:
        return "skipped"
    signed = await anyio.to_thread.run_sync(draw_and_sign, content, settings)
    async with transaction(pool) as conn:
        done = await q.store_rendered(conn, id=document_id, content=msgspec.to_builtins(content), pdf=signed,
                                      sha256=hashlib.sha256(signed).hexdigest())
    return "rendered" if done is not None else "skipped"


async def pending(conn: Any, limit: int = 500) -> list[int]:
    return [r["id"] for r in await rows(q.pending_documents(conn, lim=limit))]


def _out(row: Any) -> DocumentOut:
    base = "/api/v1/documents"
    return DocumentOut(id=row["id"], kind=row["kind"], licence_id=row["licence_id"],
                       application_id=row["application_id"], version=row["version"], reason=row["reason"],
                       status=row["status"], sha256=row["sha256"], created_at=row["created_at"],
                       rendered_at=row["rendered_at"],
                       url=f"{base}/{row['id']}/file" if row["status"] == "ready" else None)


async def licence_documents(conn: Any, user: AuthUser, licence_id: int) -> list[DocumentOut]:
    """Every version of one of the caller's licences' document, newest first."""
    await _own_licence(conn, user, licence_id)
    return [_out(r) for r in await rows(q.licence_documents(conn, licence_id=licence_id))]


def _in_library(lic: Any, user: AuthUser) -> bool:
    """The library's rule (``licences.of_holder``): acting for an enterprise, its licences; acting as
    oneself, one's own licences that belong to no enterprise."""
    acting = getattr(user, "enterprise_id", None)
    if acting is not None:
        return lic["enterprise_id"] == acting
    return lic["holder_id"] == user.id and lic["enterprise_id"] is None


async def _own_licence(conn: Any, user: AuthUser, licence_id: int) -> Any:
    lic = await q.licence_owner(conn, id=licence_id)
    if lic is None or not _in_library(lic, user):
        raise DocumentNotFound()  # someone else's licence looks like none
    await require_verified(conn, user.id)
    return lic


async def application_documents(conn: Any, user: AuthUser, application_id: int) -> list[DocumentOut]:
    """The letters of one of the caller's cases (decision letter, 一次性告知书)."""
    app = await q.application_owner(conn, id=application_id)
    if app is None or app["applicant_id"] != user.id:
        raise DocumentNotFound()
    await require_verified(conn, user.id)
    return [_out(r) for r in await rows(q.application_documents(conn, application_id=application_id))]


async def document_pdf(conn: Any, user: AuthUser, document_id: int) -> tuple[bytes, str]:
    """(signed PDF, file name) of one of the caller's documents."""
    doc = await q.document_file(conn, id=document_id)
    if doc is None:
        raise DocumentNotFound()
    if doc["licence_id"] is not None:
        await _own_licence(conn, user, doc["licence_id"])  # a licence's file: whoever holds it in the library
    elif doc["owner_id"] != user.id:
        raise DocumentNotFound()  # a letter: the applicant it is addressed to
    await require_verified(conn, user.id)
    return _file(doc)


async def case_documents(conn: Any, application_id: int) -> list[Any]:
    """A case's documents for the console's print page (the caller checks the staff member may read
    the case): rows with the licence's name and number."""
    return await rows(q.case_documents(conn, application_id=application_id))


async def case_document_pdf(conn: Any, application_id: int, document_id: int) -> tuple[bytes, str]:
    """One of the case's documents for printing at the console (the caller checks access)."""
    if document_id not in {d["id"] for d in await case_documents(conn, application_id)}:
        raise DocumentNotFound()
    return _file(await q.document_file(conn, id=document_id))


def _file(doc: Any) -> tuple[bytes, str]:
    if doc["status"] != "ready":
        raise DocumentNotReady()
    name = f"licence-{doc['licence_number']}-v{doc['version']}.pdf" if doc["kind"] == "licence" \
        else f"{doc['kind']}-{doc['application_id']}.pdf"
    return bytes(doc["pdf"]), name


async def latest_licence_pdf(conn: Any, user: AuthUser, licence_id: int) -> tuple[bytes, str]:
    """The newest ready version of one of the caller's licences' document."""
    lic = await _own_licence(conn, user, licence_id)
    versions = await rows(q.licence_documents(conn, licence_id=licence_id))
    ready = [v for v in versions if v["status"] == "ready"]
    if ready:
        return _file(await q.document_file(conn, id=ready[0]["id"]))
    if not versions and lic["application_id"] is not None:
        # issued by a case of ours before documents existed: made now (the error keeps this write)
        await request_licence_document(conn, licence_id, owner_id=user.id)
    if versions or lic["application_id"] is not None:
        raise DocumentNotReady()
    raise DocumentNotFound()  # a licence from another source (e.g. a business licence): not ours to sign
