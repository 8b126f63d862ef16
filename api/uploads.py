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

from pathlib import Path

import anyio
from PIL import Image
from pypdf import PasswordType, PdfReader

from api.errors import Unprocessable

MAX_PIXELS = 50_000_000  # 5000万像素: a phone's full-resolution photo; a PNG this size is 200 MB decoded
_FORMATS = {"jpg": "JPEG", "png": "PNG"}
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
