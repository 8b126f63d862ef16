"""Small real files for upload tests.

The API parses an upload whole (``api.uploads``: Pillow for pictures, pypdf for PDFs), so a few
magic bytes and padding no longer pass for a picture. Bytes appended after the end of a picture
(as phones do) are kept as they came, so ``JPG + b"x"`` is a second, different valid file.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from pypdf import PdfWriter


def image(fmt: str, size: tuple[int, int] = (48, 32)) -> bytes:
    im = Image.new("RGB", size, (30, 90, 160))
    ImageDraw.Draw(im).rectangle((4, 4, size[0] // 2, size[1] // 2), fill=(240, 200, 20))
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)  # A4 in points
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


JPG = image("JPEG")
PNG = image("PNG")
PDF = pdf()
