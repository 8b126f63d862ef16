"""Staff accounts as admins manage them: create, roles and steps, disable and enable, reset a
password (the member sets a new one before their next session), each change audited
(staff_account_events). Sessions end through the token-version trigger (migration 0135):
a role, step or disabled change moves the version, so the next API request or console page of that
account is refused — nothing here revokes anything by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import msgspec
from litestar.security.jwt import JWTAuth

from api.auth import devices, passwords
from api.auth.service import lockout
from api.auth.service import accounts as auth
from api.auth.schemas import AuthUser, StaffIn, StaffPasswordChange, TokenPair
from api.db import load_queries
from api.errors import Conflict, NotFound, Unprocessable
from api.types import Schema, mask_phone

q = load_queries(Path(__file__).parents[1], "staff.sql")
STAFF_ROLES = ("approver", "helpdesk", "admin", "lead")
ROLE_LABELS = {"approver": "审批人员", "helpdesk": "导航员（咨询）", "admin": "管理员", "lead": "分管领导"}
ACTION_LABELS = {"created": "开通账号", "roles_changed": "调整角色或环节", "disabled": "停用", "enabled": "恢复启用",
                 "password_reset": "重置密码", "password_changed": "本人设置新密码"}


class StaffNotFound(NotFound):
    """没有找到该工作人员账号。"""

    code = "staff_not_found"


class StaffPhoneTaken(Conflict):
    """该手机号已是工作人员账号，请在列表中调整其角色。"""

    code = "staff_phone_taken"


class StaffSelfChange(Conflict):
    """不能停用自己的账号或调整自己的角色，请由其他管理员操作。"""

    code = "staff_self_change"


class PasswordUnchanged(Unprocessable):
    """新密码不能与当前密码相同。"""

    code = "password_unchanged"


class StaffRolesInvalid(Unprocessable):
    """请至少选择一个工作人员角色；审批人员须选择可办理的审批环节。"""

    code = "staff_roles_invalid"


class StaffRow(Schema, frozen=True):
    id: int
    phone: str | None  # masked
    name: str | None
    roles: list[str]
    steps: list[str]
    disabled: bool
    must_change_password: bool = False


def _row(r: Any) -> StaffRow:
    return StaffRow(id=r["id"], phone=mask_phone(r["phone"]), name=r["name"],
                    roles=[x for x in r["roles"] if x in STAFF_ROLES], steps=list(r["steps"]), disabled=r["disabled"],
                    must_change_password=r["must_change_password"])


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
    """New roles and steps; the account's open sessions end (token version, migration 0135). A
    citizen account behind the phone keeps its applicant role."""
    row = await _locked(conn, actor, staff_id)
    roles, steps = _check_roles(roles, steps)
    kept = [r for r in row["roles"] if r not in STAFF_ROLES]
    new = await q.set_roles(conn, id=staff_id, roles=kept + roles, steps=steps)
    await q.record_event(conn, user_id=staff_id, actor_id=actor.id, action="roles_changed", roles=roles, steps=steps)
    return await get_staff(conn, new["id"])


async def set_disabled(conn: Any, actor: AuthUser, staff_id: int, disabled: bool) -> StaffRow:
    """Disable (its next request, API or console, is refused; its refresh tokens are revoked by the
    trigger of migration 0135) or enable again (the person signs in anew)."""
    row = await _locked(conn, actor, staff_id)
    action: Literal["disabled", "enabled"] = "disabled" if disabled else "enabled"
    if row["disabled"] != disabled:
        await q.set_disabled(conn, id=staff_id, disabled=disabled)
        await q.record_event(conn, user_id=staff_id, actor_id=actor.id, action=action,
                             roles=[r for r in row["roles"] if r in STAFF_ROLES], steps=list(row["steps"]))
    return await get_staff(conn, staff_id)


async def reset_password(conn: Any, actor: AuthUser, staff_id: int, password: str) -> StaffRow:
    """A temporary password the admin hands over in person. The member's sessions end at once
    (triggers of migration 0144) and no new one opens before they set their own password; a lock
    of their phone (lockout) stays as it is."""
    row = await _locked(conn, actor, staff_id)
    await q.reset_password(conn, id=staff_id, password_hash=await passwords.hash_password(password))
    await q.record_event(conn, user_id=staff_id, actor_id=actor.id, action="password_reset",
                         roles=[r for r in row["roles"] if r in STAFF_ROLES], steps=list(row["steps"]))
    return await get_staff(conn, staff_id)


async def change_password(conn: Any, data: StaffPasswordChange, *, now: datetime) -> Any:
    """The member's own new password, proven by the current (temporary) one through the login's
    check (argon2 in a worker thread, the per-account lock, disabled accounts refused). Returns
    the account row, ready for a session."""
    row = await lockout.check_password(conn, data.phone, data.password, now=now)
    if data.new_password == data.password:
        raise PasswordUnchanged()
    await q.set_own_password(conn, id=row["id"], password_hash=await passwords.hash_password(data.new_password))
    await q.record_event(conn, user_id=row["id"], actor_id=row["id"], action="password_changed",
                         roles=[r for r in row["roles"] if r in STAFF_ROLES], steps=list(row["steps"]))
    return await auth.q.get_user(conn, id=row["id"])


async def change_password_and_login(conn: Any, jwt: JWTAuth, data: StaffPasswordChange, *, refresh_days: int,
                                    device_secret: str, now: datetime) -> TokenPair:
    """``POST /auth/staff-password``: the new password set, a staff session opens as at the login."""
    row = await change_password(conn, data, now=now)
    tokens = await auth.issue_tokens(conn, jwt, row, refresh_days=refresh_days, staff=True)
    return msgspec.structs.replace(tokens, device_token=devices.issue(device_secret, data.phone, now))


async def act_as(conn: Any, actor: AuthUser) -> None:
    """Names the staff member behind the changes of the current transaction: the audit triggers of
    migration 0145 (sites, schedules, working-day overrides) record them as its actor."""
    await q.act_as(conn, actor_id=str(actor.id))
