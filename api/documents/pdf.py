"""The documents' pages, drawn with reportlab from a content dict (``api.documents.content``).

Chinese text uses reportlab's built-in ``STSong-Light`` CID font (Adobe's Asian font pack name):
nothing to install, the PDF names the font and every reader with CJK support (Acrobat, pdf.js,
Chrome, WeChat's viewer, Poppler with a CJK font) draws it. Layouts: ``licence`` (a certificate),
``permit`` (F045 通行证: route, dates, vehicle and cargo), ``plate`` (F057 包车客运标志牌: big plate
text and QR for the windscreen, A4 landscape), and the letters ``refusal`` (不予行政许可决定书),
``gap_notice`` (一次性告知书) and ``cancellation`` (F029 电子注销证明, with its QR). Output is deterministic for a given content (``invariant``), so the
bench and the tests measure and compare the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

rl_config.useA85 = 0  # images stored binary (Flate only): smaller files, no pure-Python ASCII85 pass
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
MARGIN = 64


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (Chinese breaks anywhere; newlines kept)."""
    out: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for ch in para:
            if pdfmetrics.stringWidth(line + ch, FONT, size) > width and line:
                out.append(line)
                line = ""
            line += ch
        out.append(line)
    return out


def _qr(c: canvas.Canvas, url: str, x: float, y: float, side: float) -> None:
    """The verification QR as an image (any scanner, and the tests, read it back) and a link."""
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=8, border=2)
    c.drawImage(ImageReader(io.BytesIO(png.getvalue())), x, y, side, side)
    c.linkURL(url, (x, y, x + side, y + side), relative=0)


def _rows(c: canvas.Canvas, rows: list[list[str]], x: float, y: float, width: float, size: float = 12) -> float:
    label_w = 7 * size
    for label, value in rows:
        c.setFont(FONT, size)
        c.drawString(x, y, f"{label}：")
        lines = _wrap(value, size, width - label_w)
        for line in lines:
            c.drawString(x + label_w, y, line)
            y -= size * 1.7
    return y


def _holder_id(d: dict[str, Any]) -> list[list[str]]:
    return [["证件号码", d["holderId"]]] if d.get("holderId") else []


def _seal(c: canvas.Canvas, authority: str, day: str, x: float, y: float) -> None:
    c.setFont(FONT, 13)
    c.drawRightString(x, y, authority)
    c.drawRightString(x, y - 22, day)
    c.setFont(FONT, 8)
    c.drawRightString(x, y - 40, "本文件由发证机关电子签名，签名信息可在PDF阅读器中查看")


def _licence(c: canvas.Canvas, d: dict[str, Any]) -> None:
    w, h = A4
    c.setLineWidth(2)
    c.rect(MARGIN - 24, MARGIN - 24, w - 2 * MARGIN + 48, h - 2 * MARGIN + 48)
    c.setFont(FONT, 26)
    c.drawCentredString(w / 2, h - MARGIN - 40, d["title"])
    c.setFont(FONT, 12)
    c.drawCentredString(w / 2, h - MARGIN - 68, f"编号：{d['number']}")
    rows = [["持证人", d["holder"]]] + _holder_id(d)
    rows += d.get("lines", []) + [["有效期限", d["validity"]], ["发证机关", d["authority"]],
                                  ["发证日期", d["issuedOn"]]]
    _rows(c, rows, MARGIN, h - MARGIN - 120, w - 2 * MARGIN - 150)
    _qr(c, d["verifyUrl"], w - MARGIN - 130, h - MARGIN - 250, 130)
    c.setFont(FONT, 8)
    c.drawCentredString(w - MARGIN - 65, h - MARGIN - 262, "扫码核验真伪")
    _seal(c, d["authority"], d["issuedOn"], w - MARGIN, MARGIN + 90)
    if d.get("version", 1) > 1:
        c.setFont(FONT, 8)
        c.drawString(MARGIN, MARGIN, f"第{d['version']}版（{d.get('reason') or '重新生成'}），此前版本作废")


def _permit(c: canvas.Canvas, d: dict[str, Any]) -> None:
    """F045: printed and carried in the vehicle; the approved route, time and vehicle/cargo first."""
    w, h = A4
    c.setFont(FONT, 24)
    c.drawCentredString(w / 2, h - MARGIN - 20, d["title"])
    c.setFont(FONT, 12)
    c.drawCentredString(w / 2, h - MARGIN - 46, f"编号：{d['number']}")
    y = _rows(c, [["承运人", d["holder"]]] + _holder_id(d) + [["通行期限", d["validity"]]] + d.get("lines", []),
              MARGIN, h - MARGIN - 90, w - 2 * MARGIN)
    c.setFont(FONT, 10)
    for line in _wrap("须按本证核定的车辆、货物、路线和通行期限通行，随车携带，接受检查；任一项变化须重新申请。",
                      10, w - 2 * MARGIN):
        y -= 18
        c.drawString(MARGIN, y, line)
    _qr(c, d["verifyUrl"], MARGIN, MARGIN + 40, 120)
    _seal(c, d["authority"], d["issuedOn"], w - MARGIN, MARGIN + 110)


def _plate(c: canvas.Canvas, d: dict[str, Any]) -> None:
    """F057: an A4 landscape plate for the windscreen's right side; the QR for officers to scan."""
    w, h = landscape(A4)
    c.setPageSize((w, h))
    c.setLineWidth(4)
    c.rect(24, 24, w - 48, h - 48)
    c.setFont(FONT, 44)
    c.drawCentredString(w / 2 - 80, h - 110, "包车客运标志牌")
    c.setFont(FONT, 14)
    c.drawCentredString(w / 2 - 80, h - 140, f"编号：{d['number']}")
    _rows(c, [["企业", d["holder"]]] + _holder_id(d) + [["有效期", d["validity"]]] + d.get("lines", []),
          60, h - 190, w - 330, size=16)
    _qr(c, d["verifyUrl"], w - 250, h - 300, 200)
    c.setFont(FONT, 11)
    c.drawCentredString(w - 150, h - 318, "执法检查扫码核验")
    _seal(c, d["authority"], d["issuedOn"], w - 60, 90)


def _letter(c: canvas.Canvas, d: dict[str, Any]) -> None:
    w, h = A4
    c.setFont(FONT, 20)
    c.drawCentredString(w / 2, h - MARGIN - 20, d["title"])
    c.setFont(FONT, 11)
    c.drawCentredString(w / 2, h - MARGIN - 46, d["number"])
    y = h - MARGIN - 90
    for para in d["paragraphs"]:
        for line in _wrap(para, 12, w - 2 * MARGIN):
            if y < MARGIN + 130:
                c.showPage()
                y = h - MARGIN
            c.setFont(FONT, 12)
            c.drawString(MARGIN, y, line)
            y -= 21
        y -= 6
    _seal(c, d["authority"], d["issuedOn"], w - MARGIN, MARGIN + 90)


def _cancellation(c: canvas.Canvas, d: dict[str, Any]) -> None:
    """F029 电子注销证明: the letter, and the QR that opens the cancelled licence's /verify page."""
    _letter(c, d)
    _qr(c, d["verifyUrl"], MARGIN, MARGIN + 40, 110)
    c.setFont(FONT, 8)
    c.drawCentredString(MARGIN + 55, MARGIN + 28, "扫码核验注销状态")


LAYOUTS = {"licence": _licence, "permit": _permit, "plate": _plate, "refusal": _letter, "gap_notice": _letter,
           "cancellation": _cancellation}


def render(content: dict[str, Any]) -> bytes:
    """The unsigned PDF of a content dict (its ``layout`` picks the page)."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    c.setTitle(f"{content['title']} {content['number']}")
    c.setAuthor(content["authority"])
    c.setSubject(content.get("verifyUrl") or content["title"])
    LAYOUTS[content["layout"]](c, content)
    c.showPage()
    c.save()
    return out.getvalue()
