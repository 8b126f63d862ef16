"""The applicant's files: one file as a whole material, streamed and checked (type sniffed from its
bytes, the whole file parsed as that type) before it is kept; and reading a file back (its owner,
or staff who may read the case). Pages of a material: ``materials``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from api import uploads
from api.applications.service import pages
from api.applications.schemas import MaterialOut
from api.applications.service.cases import append_event, lock, q
from api.applications.service.journey import NotEditable, owned, readable
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.db import after_commit
from api.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, Unprocessable
from api.storage import LocalStorage


class MaterialNotFound(NotFound):
    """该办件没有这项材料。"""

    code = "material_not_found"


class MaterialNotRequested(Conflict):
    """补正期间只能修改一次性告知书要求补正的材料。"""

    code = "material_not_requested"


class MaterialExempt(Conflict):
    """这项材料已由电子证照免交，无需上传。"""

    code = "material_exempt"


class FileTooLarge(PayloadTooLarge):
    """文件超过大小限制（单个文件不超过10MB）。"""

    code = "file_too_large"


class FileEmpty(Unprocessable):
    """文件是空的。"""

    code = "file_empty"


class FileTypeRefused(Unprocessable):
    """只支持JPG、PNG图片和PDF文件。"""

    code = "file_type_refused"


class UploadMalformed(BadRequest):
    """请以 multipart/form-data 上传，文件字段名为 file。"""

    code = "upload_malformed"


# Sniffed from the first bytes, never from the file name or the declared type; then the whole
# file is parsed as that type (api.uploads) before it is kept.
_MAGIC = [(b"\xff\xd8\xff", "jpg", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
          (b"%PDF-", "pdf", "application/pdf")]


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind, mime in _MAGIC:
        if head.startswith(magic):
            return kind, mime
    return None


async def file_part(body: AsyncIterator[bytes], content_type: str, writer: Any, limit: int) -> str | None:
    """Stream the ``file`` part of a multipart body into ``writer``; returns its file name.
    Stops reading as soon as the limit is passed."""
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadMalformed(field="file")
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "in_file": False, "found": False,
                             "name": None, "chunks": []}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["in_file"] = disp.get(b"name") == b"file" and not state["found"]
        if state["in_file"]:
            state["found"] = True
            state["name"] = (disp.get(b"filename") or b"").decode("utf-8", "replace")[:200] or None

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["in_file"]:
            state["chunks"].append(data[start:end])

    def on_part_end() -> None:
        state["in_file"], state["headers"] = False, {}

    parser = MultipartParser(boundary, {"on_header_field": on_header_field, "on_header_value": on_header_value,
                                        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
                                        "on_part_data": on_part_data, "on_part_end": on_part_end})
    async for chunk in body:
        parser.write(chunk)
        for piece in state["chunks"]:
            await writer.write(piece)
        state["chunks"].clear()
        if writer.size > limit:
            raise FileTooLarge(f"文件超过{limit // (1024 * 1024)}MB", field="file", limit=limit)
    parser.finalize()
    if not state["found"]:
        raise UploadMalformed(field="file")
    return state["name"]


async def changeable(conn: Any, app: Any, material_code: str) -> tuple[Any, Any]:
    """(slot, catalogue material) of a material the applicant may change now: anything in a draft;
    while supplementing, only what the open gap notice asks for (what the approver already
    checked stays as checked)."""
    if app["status"] == "needs_supplement":
        notice = await q.open_gap_notice(conn, application_id=app["id"])
        if notice is None or material_code not in {g.get("code") for g in notice["gaps"]}:
            raise MaterialNotRequested(field=material_code)
    elif app["status"] != "draft":
        raise NotEditable()
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    if slot is None:
        raise MaterialNotFound(field=material_code)
    if slot["exempt_licence_id"] is not None:
        raise MaterialExempt(field=material_code)
    spec, _ = await catalogue.merged_spec(conn, app["service_code"])
    return slot, next(m for m in spec.materials if m.code == material_code)


async def receive_file(body: AsyncIterator[bytes], content_type: str, storage: LocalStorage, material: Any,
                       key_of: Callable[[Any], str]) -> tuple[Any, str | None, str, str]:
    """Stream one file into storage and check it (not empty, a type the material accepts by its first
    bytes, the whole file parsed as that type), then keep it under ``key_of(writer)``; a refused
    file leaves nothing behind. Returns (writer, original name, content type, storage key)."""
    writer = storage.writer()
    try:
        name = await file_part(body, content_type, writer, material.max_bytes)
        if writer.size == 0:
            raise FileEmpty(field="file")
        sniffed = sniff(writer.head)
        if sniffed is None or sniffed[0] not in material.types:
            raise FileTypeRefused(f"{material.name}只接受：{'、'.join(t.upper() for t in material.types)}",
                                  field="file", accepted=list(material.types))
        await uploads.check(await writer.spooled(), sniffed[0])  # the whole file, not its first bytes
        key = key_of(writer)
        await writer.commit(key)
    except BaseException:
        await writer.abort()
        raise
    return writer, name, sniffed[1], key


async def upload(conn: Any, user: AuthUser, application_id: int, material_code: str, content_type: str,
                 body: AsyncIterator[bytes], storage: LocalStorage) -> MaterialOut:
    app = await owned(conn, user, application_id)
    app = await lock(conn, app["id"])
    _, material = await changeable(conn, app, material_code)
    writer, name, file_type, key = await receive_file(
        body, content_type, storage, material,
        lambda w: f"applications/{app['id']}/{material_code}-{w.sha256[:16]}-{id(w):x}")
    # "this one file is the whole material": it replaces every page (F101 allows several)
    replaced = await pages.replace_with_one(conn, app["id"], material_code, storage_key=key,
                                                    content_type=file_type, size_bytes=writer.size,
                                                    sha256=writer.sha256, original_name=name)
    for old in replaced:
        after_commit(conn, lambda old=old: storage.delete(old))
    await append_event(conn, app, kind="material", actor_id=user.id, note=f"上传材料：{material.name}",
                       data={"material": material_code, "sha256": writer.sha256, "size": writer.size})
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    return pages.material_out(app["id"], slot, await pages.pages_of(conn, app["id"], material_code))


async def material_file(conn: Any, user: AuthUser, application_id: int, material_code: str) -> tuple[str, str]:
    """(storage key, content type) of a file, for its owner and the staff who may read the case."""
    app = await readable(conn, user, application_id, what="material", material_code=material_code)
    slot = await q.get_material(conn, application_id=app["id"], material_code=material_code)
    if slot is None or slot["storage_key"] is None:
        raise MaterialNotFound(field=material_code)
    return slot["storage_key"], slot["content_type"]
