"""The pages of a material as rows (FAQ F101 "一项材料可传多页"): listing them, the PUT's "this one
file is the whole material", and keeping ``application_materials``' single-file columns equal to
the first page. No rules about who may change what: ``materials`` holds those."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from api.applications.schemas import MaterialOut, MaterialPageOut
from api.db import load_queries, rows

q = load_queries(Path(__file__).parents[1], "pages.sql")


def page_url(application_id: int, material_code: str, page_no: int) -> str:
    return f"/api/v1/applications/{application_id}/materials/{material_code}/pages/{page_no}"


def material_out(application_id: int, slot: Any, pages: list[Any]) -> MaterialOut:
    """One ``application_materials`` row and its page rows as the response Struct."""
    return MaterialOut(
        code=slot["material_code"], name=slot["name"], required=slot["required"],
        exempt=slot["exempt_licence_id"] is not None, exempt_licence_id=slot["exempt_licence_id"],
        exempt_reason=slot["exempt_reason"], uploaded=slot["storage_key"] is not None, content_type=slot["content_type"], size_bytes=slot["size_bytes"],
        sha256=slot["sha256"], original_name=slot["original_name"], uploaded_at=slot["uploaded_at"],
        page_count=len(pages),
        pages=[MaterialPageOut(page_no=p["page_no"], content_type=p["content_type"], size_bytes=p["size_bytes"],
                               sha256=p["sha256"], original_name=p["original_name"], uploaded_at=p["uploaded_at"],
                               url=page_url(application_id, slot["material_code"], p["page_no"]))
               for p in pages])


async def pages_by_material(conn: Any, application_id: int) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for page in await rows(q.pages_of_application(conn, application_id=application_id)):
        grouped[page["material_code"]].append(page)
    return grouped


async def pages_of(conn: Any, application_id: int, material_code: str) -> list[Any]:
    return await rows(q.pages_of_material(conn, application_id=application_id, material_code=material_code))


async def page_count(conn: Any, application_id: int, material_code: str) -> int:
    return await q.page_count(conn, application_id=application_id, material_code=material_code)


async def sync_first_page(conn: Any, application_id: int, material_code: str) -> None:
    await q.sync_first_page(conn, application_id=application_id, material_code=material_code)


async def replace_with_one(conn: Any, application_id: int, material_code: str, *, storage_key: str,
                           content_type: str, size_bytes: int, sha256: str, original_name: str | None) -> list[str]:
    """PUT: the file becomes the material's only page. Returns the keys of the files it replaced
    (the caller deletes them after commit)."""
    old = [r["storage_key"] for r in await rows(q.delete_pages(conn, application_id=application_id,
                                                                material_code=material_code))]
    await append(conn, application_id, material_code, storage_key=storage_key, content_type=content_type,
                 size_bytes=size_bytes, sha256=sha256, original_name=original_name)
    return [k for k in old if k != storage_key]


async def append(conn: Any, application_id: int, material_code: str, *, storage_key: str, content_type: str,
                 size_bytes: int, sha256: str, original_name: str | None) -> int:
    """Add a page after the last one; returns its number."""
    row = await q.append_page(conn, application_id=application_id, material_code=material_code,
                              storage_key=storage_key, content_type=content_type, size_bytes=size_bytes,
                              sha256=sha256, original_name=original_name)
    await sync_first_page(conn, application_id, material_code)
    return row["page_no"]


async def remove(conn: Any, application_id: int, material_code: str, page_no: int) -> Any:
    """Remove one page and move the later ones up; returns the removed row (None: no such page)."""
    gone = await q.delete_page(conn, application_id=application_id, material_code=material_code, page_no=page_no)
    if gone is not None:
        await q.close_gap(conn, application_id=application_id, material_code=material_code, page_no=page_no)
        await sync_first_page(conn, application_id, material_code)
    return gone


async def reorder(conn: Any, application_id: int, material_code: str, order: list[int]) -> None:
    """``order``: a permutation of the current page numbers (checked by the caller)."""
    await q.reorder_pages(conn, application_id=application_id, material_code=material_code, page_order=order)
    await sync_first_page(conn, application_id, material_code)


async def get_page(conn: Any, application_id: int, material_code: str, page_no: int) -> Any:
    return await q.get_page(conn, application_id=application_id, material_code=material_code, page_no=page_no)
