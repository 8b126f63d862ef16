"""Several pages per material (FAQ F101 "支持JPG、PNG图片和PDF文件，单个文件不超过10MB，一项材料可传多页").

The applicant adds, removes and reorders pages while the case is a draft, or while the open gap
notice (一次性告知书) asks for that material — a case being supplemented changes only what it was
returned for. Every page is checked like the single file of PUT: JPG, PNG or PDF by its first
bytes (and what the material accepts), then parsed whole (``api.uploads``: a damaged file or one
that only starts like a picture is refused), at most the material's size limit, never empty; a refused
page leaves no file and no row. A removed page's file is deleted after commit (the timeline keeps
its SHA-256): removal happens only before submission or while supplementing, and the archive
rule (F146) concerns finished cases.

Pages are read by the owner and by the staff who may read the case (``approvals.service.access``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from api.applications.service import pages
from api.applications.schemas import MAX_PAGES, MaterialOut
from api.applications.service.cases import append_event, lock, q
from api.applications.service.journey import owned, readable
from api.applications.service.upload import MaterialNotRequested, changeable, receive_file
from api.auth.schemas import AuthUser
from api.db import after_commit
from api.errors import Conflict, NotFound, Unprocessable
from api.storage import LocalStorage


class TooManyPages(Unprocessable):
    """每项材料最多上传20页，请合并或删除多余的页面后再上传。"""

    code = "too_many_pages"


class PageNotFound(NotFound):
    """该材料没有这一页。"""

    code = "material_page_not_found"


class PageOrderInvalid(Unprocessable):
    """页面顺序须列出该材料现有的每一页，且每页只出现一次。"""

    code = "page_order_invalid"




async def _room_for_one(conn: Any, app: Any, material_code: str) -> None:
    if await pages.page_count(conn, app["id"], material_code) >= MAX_PAGES:
        raise TooManyPages(field=material_code, limit=MAX_PAGES)


async def _material(conn: Any, app: Any, material_code: str) -> MaterialOut:
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    return pages.material_out(app["id"], slot, await pages.pages_of(conn, app["id"], material_code))


async def add_page(conn: Any, user: AuthUser, application_id: int, material_code: str, content_type: str,
                   body: AsyncIterator[bytes], storage: LocalStorage) -> MaterialOut:
    """Append one page. Everything that can refuse it without the file is checked before a byte is
    read; the file streams into storage without holding the case's row lock, which is taken (and
    the checks repeated) only to number and record the page; a refusal then deletes the file."""
    app = await owned(conn, user, application_id)
    _, material = await changeable(conn, app, material_code)
    await _room_for_one(conn, app, material_code)
    # a fresh key per page: the same photo sent twice is two pages, each with its own file
    writer, name, file_type, key = await receive_file(
        body, content_type, storage, material,
        lambda _: f"applications/{app['id']}/{material_code}/page-{uuid.uuid4().hex}")
    try:
        app = await lock(conn, app["id"])
        await changeable(conn, app, material_code)  # the case may have moved on while the file came in
        await _room_for_one(conn, app, material_code)
        page_no = await pages.append(conn, app["id"], material_code, storage_key=key, content_type=file_type,
                                     size_bytes=writer.size, sha256=writer.sha256, original_name=name)
    except BaseException:
        await storage.delete(key)
        raise
    await append_event(conn, app, kind="material", actor_id=user.id,
                       note=f"上传材料：{material.name}（第{page_no}页）",
                       data={"material": material_code, "page": page_no, "sha256": writer.sha256,
                             "size": writer.size})
    return await _material(conn, app, material_code)


async def remove_page(conn: Any, user: AuthUser, application_id: int, material_code: str, page_no: int,
                      storage: LocalStorage) -> MaterialOut:
    app = await lock(conn, (await owned(conn, user, application_id))["id"])
    _, material = await changeable(conn, app, material_code)
    gone = await pages.remove(conn, app["id"], material_code, page_no)
    if gone is None:
        raise PageNotFound(field=material_code, page=page_no)
    after_commit(conn, lambda: storage.delete(gone["storage_key"]))
    await append_event(conn, app, kind="material", actor_id=user.id,
                       note=f"删除材料页：{material.name}（第{page_no}页）",
                       data={"material": material_code, "page": page_no, "sha256": gone["sha256"],
                             "size": gone["size_bytes"], "removed": True})
    return await _material(conn, app, material_code)


async def reorder_pages(conn: Any, user: AuthUser, application_id: int, material_code: str,
                        order: list[int]) -> MaterialOut:
    app = await lock(conn, (await owned(conn, user, application_id))["id"])
    _, material = await changeable(conn, app, material_code)
    count = await pages.page_count(conn, app["id"], material_code)
    if sorted(order) != list(range(1, count + 1)):
        raise PageOrderInvalid(field="order", pages=count)
    if order != sorted(order):
        await pages.reorder(conn, app["id"], material_code, order)
        await append_event(conn, app, kind="material", actor_id=user.id, note=f"调整材料页顺序：{material.name}",
                           data={"material": material_code, "order": order})
    return await _material(conn, app, material_code)


async def page_file(conn: Any, user: AuthUser, application_id: int, material_code: str,
                    page_no: int) -> tuple[str, str]:
    """(storage key, content type) of one page, for its owner and the staff who may read the case."""
    app = await readable(conn, user, application_id, what="page", material_code=material_code, page_no=page_no)
    page = await pages.get_page(conn, app["id"], material_code, page_no)
    if page is None:
        raise PageNotFound(field=material_code, page=page_no)
    return page["storage_key"], page["content_type"]
