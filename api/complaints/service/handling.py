"""投诉建议: filing, the admin queue, answers within 5 working days (FAQ F144), ratings.

Every state change is one conditional UPDATE ... WHERE status IN (...) RETURNING, so two
handlers acting at once cannot both answer; each writes one timeline row. Times come from a
``now`` parameter (tests and the deadline job pass their own clock). A complaint belongs to the
complainant's acting subject (issue 20): filed for an enterprise, the enterprise's people who reach
it see it (api/enterprises/scope.py), the person acting as themself does not.
"""

from __future__ import annotations

from pathlib import Path
import uuid
from types import SimpleNamespace
from datetime import datetime
from typing import Any

import msgspec

import notify
from api import uploads
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.clock import local_day, local_now
from api.complaints import checks
from api.complaints.errors import (
    AssigneeInvalid, AttachmentInvalid, AttachmentMissing, AttachmentTooLarge, AttachmentTypeRefused,
    ComplaintAlreadyRated, ComplaintClosedForChange, ComplaintNotAnswered, ComplaintNotFound, ComplaintTargetNotFound,
)
from api.complaints.schemas import (
    AdminComplaintOut, AnswerIn, AssignIn, AttachmentOut, ComplaintIn, ComplaintOut, ComplaintSummary, EventOut,
    RatingIn, StaffEventOut,
)
from api.db import load_queries, rows
from api.enterprises import scope
from api.enterprises import service as enterprises
from api.types import mask_name, mask_phone
from api.workdays import add_workdays

q = load_queries(Path(__file__).parents[1])
ANSWER_WORKDAYS = 5  # FAQ F144: 投诉受理后5个工作日内答复
MAX_FILE_BYTES = 10 * 1024 * 1024  # FAQ F101: 单个文件不超过10MB
# The first bytes of the formats F101 allows; the declared content type is not trusted.
MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}
_KINDS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def _conv(values: dict[str, Any], typ: type[Any]) -> Any:
    """A row (snake_case keys) as a camelCase Struct: matched by field name, extra keys ignored."""
    return msgspec.convert(SimpleNamespace(**values), typ, from_attributes=True)


async def _event(conn: Any, complaint_id: int, kind: str, actor_id: int | None, note: str | None = None,
                 **data: Any) -> None:
    await q.insert_event(conn, complaint_id=complaint_id, kind=kind, actor_id=actor_id, note=note, data=data)


async def _attachments(conn: Any, complaint_id: int) -> list[AttachmentOut]:
    return [_conv(dict(r), AttachmentOut)
            for r in await rows(q.attachments_of(conn, complaint_id=complaint_id))]


async def _view(conn: Any, row: Any) -> ComplaintOut:
    events = [EventOut(kind=e["kind"], note=e["note"], created_at=e["created_at"])
              for e in await rows(q.events(conn, complaint_id=row["id"]))]
    return _conv({**dict(row), "attachments": await _attachments(conn, row["id"]), "timeline": events,
                  "subject": await enterprises.owning_subject(conn, row["enterprise_id"])}, ComplaintOut)


def _reaches(user: AuthUser, row: Any) -> bool:
    """The complaint is the caller's acting subject's (an 经办人: about a case of a granted service,
    or their own about no case)."""
    return scope.reaches(user, enterprise_id=row["enterprise_id"], owner_id=row["complainant_id"],
                         service_code=row["target_service"], own_without_service=True)


async def _check_target(conn: Any, user: AuthUser, data: ComplaintIn) -> int | None:
    """The enterprise the complaint is filed for (None: the person), once its target is theirs."""
    if data.target_type != "application":
        return scope.check_may_act(user, None)
    # Only the acting subject's own case: a complaint cannot be used to learn whether someone else's exists.
    app = await q.target_application(conn, id=data.target_id)
    if app is None or not scope.reaches(user, enterprise_id=app["enterprise_id"], owner_id=app["applicant_id"],
                                        service_code=app["service_code"]):
        raise ComplaintTargetNotFound(field="targetId")
    return user.enterprise_id
    # A staff member named by id is taken as given, whoever it names (issue 17 item 12): refusing an id
    # that is not staff told anyone which user ids are. The handler sees whether it names one
    # (``target_staff_name`` in the admin view) and answers the complaint either way.


async def file_complaint(conn: Any, user: AuthUser, data: ComplaintIn, *, now: datetime | None = None,
                         wechat: Any = None) -> ComplaintOut:
    """File a complaint or suggestion: numbered, due in 5 working days, acknowledged at once.
    Its text reaches staff only once WeChat's content check passed it (api/complaints/checks.py)."""
    now = now or local_now()
    today = local_day(now)
    enterprise_id = await _check_target(conn, user, data)
    await catalogue.load_workday_overrides(conn)
    seq = await q.next_public_no(conn, day=today)
    row = await q.insert_complaint(conn, public_no=f"TS-{today:%Y%m%d}-{seq:06d}", complainant_id=user.id,
                                   category=data.category, target_type=data.target_type, target_id=data.target_id,
                                   text=data.text, due_on=add_workdays(today, ANSWER_WORKDAYS), received_at=now,
                                   enterprise_id=enterprise_id)
    row = await checks.first_look(conn, wechat, "text", row)
    if data.attachments:
        claimed = await rows(q.claim_attachments(conn, complaint_id=row["id"], owner_id=user.id, ids=data.attachments))
        if len(claimed) != len(data.attachments):
            raise AttachmentInvalid(field="attachments")
    await _event(conn, row["id"], "received", user.id, "已受理，将在5个工作日内答复",
                 dueOn=row["due_on"].isoformat())
    await notify.enqueue(conn, user_id=user.id, event="complaint_received", params={"publicNo": row["public_no"]},
                         dedupe_key=f"complaint_received:{row['id']}", subject=("complaint", row["id"]))
    return await _view(conn, row)


async def upload_attachment(conn: Any, user: AuthUser, upload: Any, storage: Any) -> AttachmentOut:
    """Store one picture or PDF for a complaint about to be filed (owner only until attached)."""
    if not hasattr(upload, "read"):  # no part, or a text field named file
        raise AttachmentMissing(field="file")
    head = await upload.read(8)
    content_type = next((t for magic, t in MAGIC.items() if head.startswith(magic)), None)
    if content_type is None:
        raise AttachmentTypeRefused()
    writer = storage.writer()
    try:
        await writer.write(head)
        while chunk := await upload.read(64 * 1024):
            if writer.size + len(chunk) > MAX_FILE_BYTES:
                raise AttachmentTooLarge()
            await writer.write(chunk)
        await uploads.check(await writer.spooled(), _KINDS[content_type])  # the whole file, not its first bytes
    except BaseException:
        await writer.abort()
        raise
    key = f"complaints/{user.id}/{uuid.uuid4().hex}"
    row = await q.insert_attachment(conn, owner_id=user.id, storage_key=key, content_type=content_type,
                                    size_bytes=writer.size, sha256=writer.sha256,
                                    original_name=(upload.filename or "")[:200] or None)
    await writer.commit(key)
    return _conv(dict(row), AttachmentOut)


async def mine(conn: Any, user: AuthUser) -> list[ComplaintSummary]:
    """The acting subject's complaints: the person's own as themself, or the enterprise's."""
    if user.enterprise_id is None:
        found = await rows(q.list_own(conn, complainant_id=user.id))
    else:
        found = await rows(q.list_of_enterprise(conn, enterprise_id=user.enterprise_id, user_id=user.id,
                                                **scope.granted_services(user)))
    subjects = await enterprises.owning_subjects(conn, (r["enterprise_id"] for r in found))
    return [_conv({**dict(r), "subject": subjects[r["enterprise_id"]]}, ComplaintSummary) for r in found]


async def _own_row(conn: Any, user: AuthUser, complaint_id: int) -> Any:
    row = await q.get_with_service(conn, id=complaint_id)
    if row is None or not _reaches(user, row):
        raise ComplaintNotFound()  # someone else's complaint looks exactly like none
    return row


async def view_own(conn: Any, user: AuthUser, complaint_id: int) -> ComplaintOut:
    return await _view(conn, await _own_row(conn, user, complaint_id))


async def rate(conn: Any, user: AuthUser, complaint_id: int, data: RatingIn, *,
               now: datetime | None = None, wechat: Any = None) -> ComplaintOut:
    """The complainant rates the answer; a comment reaches staff once the content check passed it."""
    await _own_row(conn, user, complaint_id)  # 404 when not the acting subject's
    row = await q.rate(conn, id=complaint_id, rating=data.level, comment=data.comment, rated_at=now or local_now())
    if row is None:
        raise ComplaintAlreadyRated()
    await _event(conn, complaint_id, "rated", user.id, f"评价：{data.level}星", level=data.level)
    row = await checks.first_look(conn, wechat, "rating", row)
    return await _view(conn, row)


async def attachment_file(conn: Any, user: AuthUser, complaint_id: int, attachment_id: int) -> tuple[str, str]:
    """(storage key, content type) of an attachment, for its complainant or the bureau's handlers."""
    if not user.has("admin", "lead"):
        await _own_row(conn, user, complaint_id)
    row = await q.attachment_file(conn, id=attachment_id, complaint_id=complaint_id)
    if row is None:
        raise ComplaintNotFound()
    return row["storage_key"], row["content_type"]


# ---------------------------------------------------------------- the bureau's side


def _admin_out(row: Any, attachments: list[AttachmentOut], timeline: list[StaffEventOut],
               subject: Any = None) -> AdminComplaintOut:
    values = dict(row)
    return _conv({
        **values,
        # unchecked or held by the content check: a placeholder, never the text
        "text": checks.shown_to_staff(row["text"], row["content_check"]),
        "rating_comment": checks.shown_to_staff(row["rating_comment"], row["rating_comment_check"]),
        "complainant": mask_name(values.pop("complainant_name")),
        "complainant_phone": mask_phone(values.pop("complainant_phone")),
        "overdue": values["overdue_at"] is not None,
        "attachments": attachments, "timeline": timeline, "subject": subject,
    }, AdminComplaintOut)


async def admin_list(conn: Any, *, status: str | None, overdue: bool | None, assignee_id: int | None,
                     limit: int, offset: int) -> list[AdminComplaintOut]:
    found = await rows(q.admin_list(conn, status=status, overdue=overdue, assignee_id=assignee_id, limit=limit,
                                    offset=offset))
    subjects = await enterprises.owning_subjects(conn, (r["enterprise_id"] for r in found))
    return [_admin_out(r, [], [], subjects[r["enterprise_id"]]) for r in found]


async def admin_view(conn: Any, complaint_id: int) -> AdminComplaintOut:
    row = await q.admin_get(conn, id=complaint_id)
    if row is None:
        raise ComplaintNotFound()
    timeline = [_conv(dict(e), StaffEventOut) for e in await rows(q.events(conn, complaint_id=complaint_id))]
    return _admin_out(row, await _attachments(conn, complaint_id), timeline,
                      await enterprises.owning_subject(conn, row["enterprise_id"]))


async def _existing(conn: Any, complaint_id: int) -> Any:
    row = await q.get_complaint(conn, id=complaint_id)
    if row is None:
        raise ComplaintNotFound()
    return row


async def assign(conn: Any, staff: AuthUser, complaint_id: int, data: AssignIn) -> AdminComplaintOut:
    current = await _existing(conn, complaint_id)
    assignee = await q.staff_user(conn, id=data.assignee_id)
    # Confidentiality (F144): the person complained about never handles, or sees, the complaint.
    if assignee is None or (current["target_type"] == "staff" and current["target_id"] == data.assignee_id):
        raise AssigneeInvalid(field="assigneeId")
    row = await q.assign(conn, id=complaint_id, assignee_id=data.assignee_id)
    if row is None:
        raise ComplaintClosedForChange(currentStatus=current["status"])
    await _event(conn, complaint_id, "assigned", staff.id, data.note or "已分派处理", assigneeId=data.assignee_id)
    return await admin_view(conn, complaint_id)


async def answer(conn: Any, staff: AuthUser, complaint_id: int, data: AnswerIn, *,
                 now: datetime | None = None) -> AdminComplaintOut:
    current = await _existing(conn, complaint_id)
    row = await q.answer(conn, id=complaint_id, answer=data.text.strip(), answered_by=staff.id,
                         answered_at=now or local_now())
    if row is None:
        raise ComplaintClosedForChange(currentStatus=current["status"])
    await _event(conn, complaint_id, "answered", staff.id, "已答复", late=row["answered_late"])
    await notify.enqueue(conn, user_id=row["complainant_id"], event="complaint_answered",
                         params={"publicNo": row["public_no"], "text": row["answer"]},
                         dedupe_key=f"complaint_answered:{row['id']}", subject=("complaint", row["id"]))
    return await admin_view(conn, complaint_id)


async def close(conn: Any, staff: AuthUser, complaint_id: int, note: str | None, *,
                now: datetime | None = None) -> AdminComplaintOut:
    current = await _existing(conn, complaint_id)
    row = await q.close(conn, id=complaint_id, closed_at=now or local_now())
    if row is None:
        raise (ComplaintNotAnswered if current["status"] in ("received", "assigned") else ComplaintClosedForChange)(
            currentStatus=current["status"])
    await _event(conn, complaint_id, "closed", staff.id, note or "已办结")
    return await admin_view(conn, complaint_id)
