"""Staff accounts as admins manage them: create, roles and steps, disable and enable, each change
audited (staff_account_events). Sessions end through the token-version trigger (migration 0062):
a role, step or disabled change moves the version, so the next API request or console page of that
account is refused — nothing here revokes anything by hand."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from api.auth import service as auth
from api.auth.schemas import AuthUser, StaffIn
from api.db import load_queries
from api.errors import Conflict, NotFound, Unprocessable
from api.types import mask_phone

q = load_queries(__file__, "staff.sql")
STAFF_ROLES = ("approver", "helpdesk", "admin", "lead")
ROLE_LABELS = {"approver": "审批人员", "helpdesk": "导航员（咨询）", "admin": "管理员", "lead": "分管领导"}
ACTION_LABELS = {"created": "开通账号", "roles_changed": "调整角色或环节", "disabled": "停用", "enabled": "恢复启用"}


class StaffNotFound(NotFound):
    """没有找到该工作人员账号。"""

    code = "staff_not_found"


class StaffPhoneTaken(Conflict):
    """该手机号已是工作人员账号，请在列表中调整其角色。"""

    code = "staff_phone_taken"


class StaffSelfChange(Conflict):
    """不能停用自己的账号或调整自己的角色，请由其他管理员操作。"""

    code = "staff_self_change"


class StaffRolesInvalid(Unprocessable):
    """请至少选择一个工作人员角色；审批人员须选择可办理的审批环节。"""

    code = "staff_roles_invalid"


class StaffRow(msgspec.Struct, frozen=True):
    id: int
    phone: str | None  # masked
    name: str | None
    roles: list[str]
    steps: list[str]
    disabled: bool


def _row(r: Any) -> StaffRow:
    return StaffRow(id=r["id"], phone=mask_phone(r["phone"]), name=r["name"],
                    roles=[x for x in r["roles"] if x in STAFF_ROLES], steps=list(r["steps"]), disabled=r["disabled"])


def _check_roles(roles: list[str], steps: list[str]) -> tuple[list[str], list[str]]:
    roles = [r for r in STAFF_ROLES if r in roles]
    if not roles or ("approver" in roles and not steps):
        raise StaffRolesInvalid()
    return roles, sorted(set(steps))


async def list_staff(conn: Any) -> list[StaffRow]:
    return [_row(r) async for r in q.list_staff(conn)]


async def get_staff(conn: Any, staff_id: int) -> StaffRow:
    row = await q.get_staff(conn, id=staff_id)
    if row is None:
        raise StaffNotFound()
    return _row(row)


async def history(conn: Any, staff_id: int) -> list[dict[str, Any]]:
    return [dict(r) async for r in q.events(conn, user_id=staff_id)]


async def step_choices(conn: Any) -> list[dict[str, Any]]:
    return [dict(r) async for r in q.step_choices(conn)]


async def create(conn: Any, actor: AuthUser, data: StaffIn) -> StaffRow:
    """A new staff account with a first password the admin hands over in person."""
    roles, steps = _check_roles(list(data.roles), list(data.steps))
    holder = await q.phone_holder(conn, phone=data.phone)
    if holder is not None and set(holder["roles"]) & set(STAFF_ROLES):
        raise StaffPhoneTaken()
    out = await auth.create_staff(conn, msgspec.structs.replace(data, roles=roles, steps=steps))
    await q.record_event(conn, user_id=out.id, actor_id=actor.id, action="created", roles=roles, steps=steps)
    return await get_staff(conn, out.id)


async def _locked(conn: Any, actor: AuthUser, staff_id: int) -> Any:
    row = await q.lock_staff(conn, id=staff_id)
    if row is None:
        raise StaffNotFound()
    if staff_id == actor.id:
        raise StaffSelfChange()
    return row


async def set_roles(conn: Any, actor: AuthUser, staff_id: int, roles: list[str], steps: list[str]) -> StaffRow:
    """New roles and steps; the account's open sessions end (token version, migration 0062). A
    citizen account behind the phone keeps its applicant role."""
    row = await _locked(conn, actor, staff_id)
    roles, steps = _check_roles(roles, steps)
    kept = [r for r in row["roles"] if r not in STAFF_ROLES]
    new = await q.set_roles(conn, id=staff_id, roles=kept + roles, steps=steps)
    await q.record_event(conn, user_id=staff_id, actor_id=actor.id, action="roles_changed", roles=roles, steps=steps)
    return await get_staff(conn, new["id"])


async def set_disabled(conn: Any, actor: AuthUser, staff_id: int, disabled: bool) -> StaffRow:
    """Disable (its next request, API or console, is refused; its refresh tokens are revoked by the
    trigger of migration 0062) or enable again (the person signs in anew)."""
    row = await _locked(conn, actor, staff_id)
    action: Literal["disabled", "enabled"] = "disabled" if disabled else "enabled"
    if row["disabled"] != disabled:
        await q.set_disabled(conn, id=staff_id, disabled=disabled)
        await q.record_event(conn, user_id=staff_id, actor_id=actor.id, action=action,
                             roles=[r for r in row["roles"] if r in STAFF_ROLES], steps=list(row["steps"]))
    return await get_staff(conn, staff_id)
