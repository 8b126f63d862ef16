"""What the console adds to the domains' services: signing staff in by password, and who they are.

Everything else the console shows or changes goes through the same service functions as the
JSON API (approvals, applications, helpdesk, ratings, stats, appointments).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from api.appointments.service import service_name
from api.approvals import service as approvals
from api.approvals.schemas import TaskOut
from api.auth import service as auth
from api.auth.service import lockout, staff
from api.auth.schemas import Account, AuthUser, StaffPasswordChange
from api.catalogue import service as catalogue
from api.db import load_queries
from api.errors import Unprocessable

q = load_queries(__file__)


class StaffAccount(AuthUser, frozen=True):
    """The signed-in person as the console needs them: the guards' AuthUser plus a name to show."""

    name: str | None = None
    token_version: int = 0
    must_change_password: bool = False  # after an admin's reset: the new-password form comes first


class FormInvalid(Unprocessable):
    """表单内容不正确，请检查后重新提交。"""

    code = "console_form_invalid"


# The API's field names as the form's labels read, so a refusal names the field in Chinese.
FIELD_LABELS = {
    "takenOn": "考试日期", "national": "全国公共科目成绩", "regional": "区域科目成绩", "trackingNo": "EMS 快递单号",
    "proxyName": "代领人姓名", "proxyIdNumber": "代领人身份证号", "code": "预约码", "text": "内容",
    "question": "问题", "answer": "答案", "phone": "手机号", "password": "密码", "name": "姓名", "roles": "角色",
    "steps": "审批环节", "outcome": "回访结果", "publicNo": "办件编号", "note": "备注", "assigneeId": "承办人",
    "siteId": "服务点", "dateFrom": "开始日期", "dateTo": "结束日期", "capacity": "容量", "serviceCode": "事项编码",
    "opens_at": "开始时间", "closes_at": "结束时间", "reason": "原因", "address": "地址", "decision": "审批决定",
    "missing": "补正材料", "followUp": "未解决时的处理", "handoverTo": "转交对象", "items": "待办",
    "new_password": "新密码", "confirm": "确认新密码",
}
_AT = re.compile(r"at `\$\.(\w+)")
_CODES = re.compile(r"\s*\([A-Za-z0-9_, /.]+\)$")


def _readable(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    if re.search(r"[\u4e00-\u9fff]", text):  # a rule's own Chinese message: without the API's field codes
        return _CODES.sub("", text.split(" - at `")[0])
    at = _AT.search(text)
    return f"请检查“{FIELD_LABELS.get(at.group(1), '填写的内容')}”" if at else "请检查填写的内容"


def convert(value: dict[str, Any], type_: type[Any]) -> Any:
    """Build an API input Struct from form values with all of its checks (constraints and
    ``__post_init__`` rules), so a form obeys exactly what the JSON route would."""
    try:
        return msgspec.convert(value, type_, strict=False)  # forms carry strings: "3" -> 3
    except msgspec.ValidationError as exc:
        raise FormInvalid(_readable(exc)) from None


def _account(found: Account) -> StaffAccount:
    return StaffAccount(id=found.id, roles=tuple(found.roles), steps=tuple(found.steps), name=found.name,
                        token_version=found.token_version, must_change_password=found.must_change_password)


async def verify_staff(conn: Any, phone: str, password: str, *, now: datetime) -> StaffAccount:
    """The same password check as ``POST /auth/staff-login`` (argon2 in a worker thread, the
    per-account lock, disabled accounts refused), without issuing tokens: the console keeps the
    person in a server-side session instead."""
    row = await lockout.check_password(conn, phone, password, now=now)
    return _account(msgspec.convert(dict(row), Account))


async def change_password(conn: Any, data: Any, *, now: datetime) -> StaffAccount:
    """The member's own new password after a reset (the same function as ``POST /auth/staff-password``)."""
    change = StaffPasswordChange(phone=data.phone, password=data.password, new_password=data.new_password)
    row = await staff.change_password(conn, change, now=now)
    return _account(msgspec.convert(dict(row), Account))


async def session_user(pool: asyncpg.Pool, user_id: int, token_version: Any) -> StaffAccount | None:
    """The account behind a console session, or None once it is gone or disabled, or its token
    version moved on (a new password, a role or step change) since the sign-in."""
    async with pool.acquire() as conn:
        found = await auth.account(conn, user_id)
    if found is None or found.disabled or found.must_change_password or found.token_version != token_version:
        return None
    return _account(found)


class ExamInvitation(msgspec.Struct, frozen=True):
    task: TaskOut  # the approver's task
    invited_at: datetime | None
    booked_for: datetime | None
    booking_code: str | None
    site_name: str | None


async def exam_invitations(conn: Any, user: AuthUser, *, now: datetime, limit: int = 200) -> list[ExamInvitation]:
    """Cases of the approver's steps waiting for their exam, with their invitation: the same queue,
    step rules included, as ``GET /api/v1/tasks?status=waiting_exam``; oldest first."""
    tasks: list[TaskOut] = []
    cursor = None
    while len(tasks) < limit:
        found = await approvals.list_tasks(conn, user, step=None, service_code=None, status="waiting_exam",
                                           mine=False, overdue=None, cursor=cursor, limit=100, now=now)
        tasks += found.items
        cursor = found.next_cursor
        if cursor is None:
            break
    tasks = tasks[:limit]
    extra = {r["application_id"]: r async for r in q.exam_invitations(conn, application_ids=[t.application_id
                                                                                              for t in tasks])}
    out = [ExamInvitation(task=t, invited_at=extra[t.application_id]["invited_at"],
                          booked_for=extra[t.application_id]["booked_for"],
                          booking_code=extra[t.application_id]["booking_code"],
                          site_name=extra[t.application_id]["site_name"]) for t in tasks]
    return sorted(out, key=lambda i: (i.invited_at is None, i.invited_at or datetime.min, i.task.id))


async def set_workday(conn: Any, actor: AuthUser, day: Any, is_workday: bool, note: str) -> dict[str, Any]:
    """The catalogue's working-day override, recorded with its actor (settings_audit, migration 0145)."""
    await staff.act_as(conn, actor)
    return await catalogue.set_workday_override(conn, day, is_workday, note)


# The audited columns as people read them; ids and codes the page names otherwise stay out.
AUDIT_FIELDS = {
    "site": {"name": "名称", "address": "地址", "phone": "电话", "active": "启用"},
    "schedule": {"service_code": "事项", "opens_at": "开始时间", "closes_at": "结束时间", "slot_minutes": "每时段分钟数",
                 "capacity": "每时段容量"},
    "workday": {"is_workday": "类型", "note": "说明"},
}
AUDIT_KINDS = {"site": "服务点", "schedule": "排班", "workday": "节假日调整"}
AUDIT_ACTIONS = {"created": "新增", "changed": "修改", "deleted": "删除"}


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if field == "is_workday":
        return "工作日" if value else "休息日"
    if field == "active":
        return "是" if value else "否"
    if field == "service_code":
        return service_name(value)
    if field in ("opens_at", "closes_at"):
        return str(value)[:5]
    return str(value)


class SettingsChange(msgspec.Struct, frozen=True):
    id: int
    kind: str
    subject: str  # what changed, in words: the site's name, "site · service 08:30", the day
    action: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)
    actor_name: str | None
    created_at: datetime


def _change(r: Any) -> SettingsChange:
    before, after = r["before"] or {}, r["after"] or {}
    row = after or before
    labels = AUDIT_FIELDS[r["kind"]]
    changes = [(label, _shown(f, before.get(f)) if before else "", _shown(f, after.get(f)) if after else "")
               for f, label in labels.items()
               if f in row and (r["action"] != "changed" or before.get(f) != after.get(f))]
    if r["kind"] == "site":
        subject = str(row.get("name") or r["object_key"])
    elif r["kind"] == "schedule":
        subject = f"{r['site_name'] or ''} · {service_name(row.get('service_code') or '')} {str(row.get('opens_at'))[:5]}"
    else:
        subject = r["object_key"]
    return SettingsChange(id=r["id"], kind=r["kind"], subject=subject, action=r["action"], changes=changes,
                          actor_name=r["actor_name"], created_at=r["created_at"])


async def settings_changes(conn: Any, *, kind: str | None, cursor: int | None,
                           limit: int = 50) -> tuple[list[SettingsChange], int | None]:
    """A page of recorded changes to sites, schedules and working-day overrides, newest first, and
    the cursor of the next page."""
    found = [r async for r in q.settings_audit(conn, kind=kind, before_id=cursor or 2**62, lim=limit + 1)]
    items = [_change(r) for r in found[:limit]]
    return items, (items[-1].id if len(found) > limit else None)


async def transfer_targets(conn: Any, me: AuthUser) -> list[dict[str, Any]]:
    """Colleagues a help-desk conversation can be transferred to (not oneself)."""
    return [dict(r) async for r in q.helpdesk_agents(conn, exclude_id=me.id)]


def decision_values(form: Any) -> dict[str, Any]:
    """The decision form as the API's DecisionIn body: ticked materials become the return's
    checklist (one complete notice), each with the approver's note or a default message."""
    decision = form.get("decision") or ""
    missing = []
    if decision == "return":
        for code in form.getall("missing", []):
            note = (form.get(f"note_{code}") or "").strip()
            name = (form.get(f"name_{code}") or "").strip()
            item = {"code": code, "message": note or f"请补正：{name or code}"}
            missing.append({**item, "name": name} if name else item)  # the material's name, for one not uploaded
    reason = (form.get("reason") or "").strip() or None
    values: dict[str, Any] = {"decision": decision, "reason": reason, "missing": missing}
    if decision == "return" and form.get("gap_override"):  # F096: a lead adds items the notice had not named
        override = (form.get("override_reason") or "").strip()
        if not override:
            raise FormInvalid("补充告知此前未列出的事项，须填写理由")
        values["overrideReason"] = override
    return values


def batch_values(form: Any) -> dict[str, Any]:
    """Ticked tasks, all approved (a batch is for packaged matters that pass together)."""
    items = []
    for raw in form.getall("task_id", []):
        if not str(raw).isdigit():
            raise FormInvalid("待办编号不正确")
        items.append({"taskId": int(raw), "decision": "approve"})
    if not items:
        raise FormInvalid("请至少勾选一件待办")
    return {"items": items}
