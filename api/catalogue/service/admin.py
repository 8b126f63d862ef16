"""The catalogue's parts an admin edits from the console — the fee, the promised days, a material's
name and note — each change recorded with its value before and after (catalogue_edits). The rest of
a service (steps, rules, forms) changes through ``PUT /admin/services/{code}`` with the whole spec."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec

from api.auth.schemas import AuthUser
from api.catalogue.service import specs as catalogue
from api.catalogue.schemas import ServiceSpec
from api.db import load_queries
from api.errors import Unprocessable

q = load_queries(Path(__file__).parents[1], "admin.sql")


class CatalogueEditInvalid(Unprocessable):
    """事项内容不正确，请检查后重新提交。"""

    code = "catalogue_edit_invalid"


class ServiceEdit(msgspec.Struct, kw_only=True):
    fee: str
    promised_days: int
    materials: dict[str, tuple[str, str]] = {}  # material code -> (name, note)


async def edit_service(conn: Any, actor: AuthUser, code: str, edit: ServiceEdit) -> tuple[Any, int]:
    spec = await catalogue.get_spec(conn, code)
    changes: list[tuple[str, str | None, str | None]] = []
    fee = edit.fee.strip()
    if not fee or len(fee) > 200:
        raise CatalogueEditInvalid("收费标准不能为空，且不超过200字", field="fee")
    if fee != spec.fee:
        changes.append(("fee", spec.fee, fee))
    if edit.promised_days != spec.promised_days:
        changes.append(("promisedDays", str(spec.promised_days), str(edit.promised_days)))
    materials = []
    for m in spec.materials:
        name, note = edit.materials.get(m.code, (m.name, m.note or ""))
        name, note = name.strip(), note.strip()
        if not name or len(name) > 100 or len(note) > 500:
            raise CatalogueEditInvalid("材料名称不能为空（不超过100字），说明不超过500字", field=f"material:{m.code}")
        if name != m.name:
            changes.append((f"material:{m.code}:name", m.name, name))
        if note != (m.note or ""):
            changes.append((f"material:{m.code}:note", m.note, note or None))
        materials.append(msgspec.structs.replace(m, name=name, note=note or None))
    if not 0 <= edit.promised_days <= spec.legal_days:
        raise CatalogueEditInvalid(f"承诺时限不能超过法定时限（{spec.legal_days}个工作日）", field="promisedDays")
    # through the spec's own checks again, as the JSON edit route's body would be
    new = msgspec.convert({**msgspec.to_builtins(spec), "fee": fee, "promisedDays": edit.promised_days,
                           "materials": msgspec.to_builtins(materials)}, ServiceSpec)
    if changes:
        await catalogue.admin_save(conn, code, new)
        for part, before, after in changes:
            await q.record_edit(conn, service_code=code, actor_id=actor.id, part=part, before=before, after=after)
    return await catalogue.detail(conn, code), len(changes)


async def edits(conn: Any, code: str) -> list[dict[str, Any]]:
    return [dict(r) async for r in q.edits(conn, service_code=code)]


async def overrides_from(conn: Any, since: date, days: int = 366) -> list[dict[str, Any]]:
    """Holiday and make-up-day overrides from ``since`` on (the calendar admins adjust)."""
    return [dict(r) async for r in q.overrides_from(conn, since=since, until=since + timedelta(days=days))]
