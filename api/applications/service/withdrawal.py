"""Withdrawal by the applicant, and the draft it leaves behind (FAQ F102, F103, F097).

F103 "作出审批决定前都可以撤回…撤回后办件终止，再办需重新提交，原填写的内容会保存为草稿方便再次使用";
F102 "撤回申请，修改后重新提交，已填内容和材料都会保留". The withdrawn case stays as it was (its
timeline, its files: the record of what was submitted); a NEW draft gets its answers, its form and
a copy of every page of every material, so the applicant edits and submits again without retyping
or re-uploading. Withdrawing a draft discards it: nothing is copied. A decided or ended case
cannot be withdrawn (``states.TRANSITIONS``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import structlog

from api.applications.service import pages
from api.applications.schemas import ApplicationOut
from api.applications.service.cases import append_event, lock, move, q
from api.applications.service.journey import owned, sync_materials, view
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import rows
from api.storage import LocalStorage

log = structlog.get_logger("zsb.applications")


async def withdraw(conn: Any, user: AuthUser, application_id: int, reason: str,
                   storage: LocalStorage, *, now: datetime | None = None) -> ApplicationOut:
    app = await lock(conn, (await owned(conn, user, application_id))["id"])
    was = app["status"]
    withdrawn = await move(conn, app, "withdrawn", actor_id=user.id, note=reason, data=None,
                            notify_applicant=False, now=now)  # ``now``: the app's clock
    if was != "draft":
        await save_as_draft(conn, withdrawn, storage)
    return await view(conn, user, app["id"])


async def save_as_draft(conn: Any, source: Any, storage: LocalStorage) -> Any:
    """Copy a withdrawn case into a new draft of the same applicant: answers, form and the files
    of every material that still applies (exemptions re-checked against today's licences).
    Returns the new ``applications`` row, or None when it was saved before or the service no
    longer takes applications."""
    try:
        spec, _ = await catalogue.merged_spec(conn, source["service_code"])
    except catalogue.ServiceNotFound:
        return None  # the withdrawal stands; there is nothing to apply for again
    copy = await q.copy_as_draft(conn, source_id=source["id"])
    if copy is None:
        return None
    materials, _ = catalogue.applicable(spec, copy["answers"])
    await sync_materials(conn, copy, materials)
    slots = {s["material_code"]: s for s in await rows(q.materials(conn, application_id=copy["id"]))}
    copied: list[str] = []
    try:
        for code, old_pages in (await pages.pages_by_material(conn, source["id"])).items():
            slot = slots.get(code)
            if slot is None or slot["exempt_licence_id"] is not None:
                continue  # no longer asked for, or a licence in the library now stands for it
            for page in old_pages:
                key = await _copy_file(storage, page["storage_key"], f"applications/{copy['id']}/{code}")
                if key is None:
                    continue
                copied.append(key)
                await pages.append(conn, copy["id"], code, storage_key=key, content_type=page["content_type"],
                                   size_bytes=page["size_bytes"], sha256=page["sha256"],
                                   original_name=page["original_name"])
    except BaseException:
        for key in copied:  # the rows roll back with the request; leave no file behind them
            await storage.delete(key)
        raise
    await append_event(conn, copy, kind="form", actor_id=source["applicant_id"],
                       note=f"由撤回的办件{source['public_no'] or ''}保存的草稿，已填内容和材料已保留",
                       data={"copiedFrom": source["id"], "files": len(copied)})
    await append_event(conn, source, kind="form", actor_id=source["applicant_id"],
                       note="已填内容和材料已保存为新草稿，可修改后重新提交", data={"draftId": copy["id"]})
    return copy


async def _copy_file(storage: LocalStorage, key: str, prefix: str) -> str | None:
    """Stream one stored file under a new key (keys are never shared: each case deletes its own
    files). Returns the new key, or None when the original is gone from storage."""
    writer = storage.writer()
    new_key = f"{prefix}/page-{uuid.uuid4().hex}"
    try:
        async for chunk in storage.read(key):
            await writer.write(chunk)
        await writer.commit(new_key)
    except FileNotFoundError:
        # a file missing from the store must not block the withdrawal: that page is simply not
        # carried over, and the draft shows the material as still to upload
        await writer.abort()
        log.warning("withdraw_copy_file_missing", storage_key=key)
        return None
    except BaseException:
        await writer.abort()
        raise
    return new_key
