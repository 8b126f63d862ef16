"""What an approver reads to decide: the task with the case's form, materials, timeline, exam and
automatic review, and the stored files of its materials. Every read records the look (F145)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from api import clock
from api.applications.service import review_runs
from api.approvals.rules import StepNotYours, TaskNotFound, may_act
from api.approvals.schemas import MaterialOut, TaskPageOut
from api.approvals.schemas_detail import SituationAnswer, TaskDetail, TimelineEntry
from api.approvals.service.access import shows_id_number
from api.approvals.service.tasks import task_out, task_row
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import load_queries, rows
from api.exams import service as exams
from api.agency.staff_view import with_agency
from api.identity.forms import with_persons
from api.storage import storage_for

q = load_queries(Path(__file__).parents[1])


async def _readable(conn: Any, user: AuthUser, task_id: int) -> Any:
    task = await task_row(conn, task_id)
    if not (may_act(user, task["step"], task["role"]) or user.has("admin")):
        raise StepNotYours(step=task["step"])
    return task


async def get_task(conn: Any, user: AuthUser, task_id: int, *, now: datetime) -> TaskDetail:
    """The task with what the approver needs to decide: the form, the materials and the timeline,
    its days counted from ``now`` (the app's clock)."""
    task = await _readable(conn, user, task_id)
    today = clock.local_day(now)
    pages: dict[str, list[TaskPageOut]] = {}
    # the pages' read carries the record of this look at the case (F145), in the one round trip
    seen = q.material_pages_seen(conn, application_id=task["application_id"], task_id=task_id, viewer_id=user.id,
                                 id_number_shown=shows_id_number(task["form"]))
    for p in await rows(seen):
        pages.setdefault(p["material_code"], []).append(TaskPageOut(
            page_no=p["page_no"], content_type=p["content_type"], size_bytes=p["size_bytes"], sha256=p["sha256"],
            uploaded_at=p["uploaded_at"], original_name=p["original_name"],
            url=f"/api/v1/tasks/{task_id}/materials/{p['material_code']}/pages/{p['page_no']}"))
    materials = []
    for m in await rows(q.materials(conn, application_id=task["application_id"])):
        state = "uploaded" if m["storage_key"] else "exempt" if m["exempt_licence_id"] else "missing"
        materials.append(MaterialOut(
            code=m["material_code"], name=m["name"], required=m["required"], state=state,
            content_type=m["content_type"], size_bytes=m["size_bytes"], sha256=m["sha256"],
            original_name=m["original_name"], uploaded_at=m["uploaded_at"],
            exempt_by=f"{m['exempt_licence_name']}（{m['exempt_licence_number']}）" if m["exempt_licence_id"] else None,
            exempt_reason=m["exempt_reason"], url=f"/api/v1/tasks/{task_id}/materials/{m['material_code']}" if m["storage_key"] else None,
            pages=pages.get(m["material_code"], [])))
    timeline = [TimelineEntry(**dict(e))
                for e in await rows(q.timeline(conn, application_id=task["application_id"]))]
    spec, _ = await catalogue.merged_spec(conn, task["service_code"])
    answers = task["answers"] or {}
    situation = [SituationAnswer(code=s.code, question=s.question,
                                 answer=next((o.label for o in s.options if o.value == answers[s.code]),
                                             str(answers[s.code])))
                 for s in spec.situations if s.code in answers]
    [out] = await with_persons(conn, [task_out(task, user, today)])  # the verified person (issue 19)
    [out] = await with_agency(conn, [out])  # who filed it for its subject: 代办人 or taxi company (issue 20)
    return TaskDetail(task=out, application_status=task["application_status"],
                      applicant_phone=task["applicant_phone"], form=task["form"] or {}, answers=answers,
                      materials=materials, timeline=timeline, is_last_step=task["position"] == task["step_count"],
                      exam=await exams.exam_of(conn, task["application_id"]),
                      form_labels={f.code: f.label for f in spec.fields}, situation=situation,
                      review=await review_runs.latest(conn, task["application_id"]))


async def material_stream(conn: Any, user: AuthUser, settings: Any, task_id: int, code: str,
                          page_no: int | None = None) -> tuple[Any, str, str]:
    """The stored file of one material of the task's application, or of one of its pages:
    (chunks, content type, name)."""
    task = await _readable(conn, user, task_id)
    # the read records the look (F145) when there is a file to see, in the same statement
    if page_no is None:
        row = await q.material_seen(conn, application_id=task["application_id"], material_code=code,
                                    task_id=task_id, viewer_id=user.id)
    else:
        row = await q.material_page_seen(conn, application_id=task["application_id"], material_code=code,
                                         page_no=page_no, task_id=task_id, viewer_id=user.id)
    if row is None or row["storage_key"] is None:
        raise TaskNotFound("该材料没有上传文件" if page_no is None else f"该材料没有第{page_no}页")
    name = quote(row["original_name"] or row["material_code"])
    return storage_for(settings).read(row["storage_key"]), row["content_type"], name
