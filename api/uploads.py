"""Uploaded pictures and PDFs are checked whole, not by their first bytes.

A file that starts like a JPEG and goes on as a web page passed a check of the first bytes and
then sat among the materials staff open. Here the upload, complete on local disk before it is
committed to storage, is parsed by Pillow (images: ``verify()``, then a second open decoded in
full) or pypdf (PDFs: the cross-reference table and every page object); a file they cannot read
is refused and the caller aborts the writer, so nothing is kept.

Memory stays bounded: the pixel count is read from the header and capped before anything is
decoded (a small PNG can unpack to gigabytes), JPEGs decode at 1/8 scale (every byte of the
compressed data is still read and checked) and at most two files are decoded at a time.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import anyio
from PIL import Image
from pypdf import PasswordType, PdfReader

from api.errors import Unprocessable

MAX_PIXELS = 50_000_000  # 5000万像素: a phone's full-resolution photo; a PNG this size is 200 MB decoded
_FORMATS = {"jpg": "JPEG", "png": "PNG"}
# what a file's first bytes say it is: (content type, kind for ``check``)
IMAGE_KINDS = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}
DOCUMENT_KINDS = {b"%PDF-": ("application/pdf", "pdf"), **IMAGE_KINDS}
_decoding = anyio.CapacityLimiter(2)


class FileDamaged(Unprocessable):
    """文件已损坏或不是有效的JPG、PNG图片或PDF文件，请重新拍照或导出后再上传。"""

    code = "file_damaged"


class ImageTooLarge(Unprocessable):
    """图片像素过多（不超过5000万像素），请缩小后再上传。"""

    code = "image_too_many_pixels"


class PdfLocked(Unprocessable):
    """PDF文件设有打开密码，工作人员无法查看，请去除密码后再上传。"""

    code = "pdf_password_protected"


def _check_image(path: Path, fmt: str) -> None:
    try:
        with Image.open(path, formats=[fmt]) as im:
            width, height = im.size
            if width * height > MAX_PIXELS:
                raise ImageTooLarge(field="file", maxPixels=MAX_PIXELS)
            im.verify()  # PNG: every chunk's CRC up to IEND
        # verify() leaves the image unusable; decode it from a fresh open
        with Image.open(path, formats=[fmt]) as im:
            if fmt == "JPEG":
                im.draft(im.mode, (max(1, width // 8), max(1, height // 8)))
            im.load()
    except ImageTooLarge:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning, when warnings raise
        raise ImageTooLarge(field="file", maxPixels=MAX_PIXELS) from None
    except Exception:  # any parser failure (OSError, SyntaxError, ValueError, ...) means a bad file
        raise FileDamaged(field="file") from None


def _check_pdf(path: Path) -> None:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise PdfLocked(field="file")
        if len(reader.pages) == 0:
            raise FileDamaged(field="file")
        for page in reader.pages:
            _ = page.mediabox  # resolves each page object through the cross-reference table
    except (PdfLocked, FileDamaged):
        raise
    except Exception:  # pypdf raises its own errors and plain ones (KeyError, ValueError) on bad input
        raise FileDamaged(field="file") from None


async def check(path: Path, kind: str) -> None:
    """Refuse ``path`` unless it is a whole, readable file of ``kind`` (``jpg``, ``png``, ``pdf``)."""
    if kind == "pdf":
        await anyio.to_thread.run_sync(_check_pdf, path, limiter=_decoding)
    else:
        await anyio.to_thread.run_sync(_check_image, path, _FORMATS[kind], limiter=_decoding)


async def store_checked(upload: Any, storage: Any, prefix: str, *, kinds: dict[bytes, tuple[str, str]],
                        max_bytes: int, missing: Exception, refused: Exception,
                        too_large: Exception) -> tuple[str, str, Any]:
    """Copy one uploaded file (a multipart part) into storage under ``prefix``: its first bytes one of
    ``kinds``, at most ``max_bytes``, then parsed whole (``check``) before it is committed; otherwise
    ``missing`` (no file part), ``refused`` (not one of the kinds), ``too_large`` or ``check``'s own
    422, and nothing is kept. Returns (key, content type, writer) — the writer knows size and hash."""
    if not hasattr(upload, "read"):  # no part, or a text field of that name
        raise missing
    head = await upload.read(8)
    kind = next((k for magic, k in kinds.items() if head.startswith(magic)), None)
    if kind is None:
        raise refused
    writer = storage.writer()
    key = f"{prefix}/{uuid.uuid4().hex}"
    try:
        await writer.write(head)
        while chunk := await upload.read(64 * 1024):
            if writer.size + len(chunk) > max_bytes:
                raise too_large
            await writer.write(chunk)
        await check(await writer.spooled(), kind[1])
        await writer.commit(key)
    except BaseException:
        await writer.abort()
        raise
    return key, kind[0], writer
