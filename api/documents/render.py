"""Drawing and signing one document: CPU only, no database (the job runs it in a thread; the bench
times it)."""

from __future__ import annotations

from typing import Any

from api.documents import pdf, sign
from api.documents.keys import document_key

CERTIFICATE_LAYOUTS = ("licence", "permit", "plate")


def draw_and_sign(content: dict[str, Any], settings: Any) -> bytes:
    """The signed PDF of a content dict (``api.documents.content``)."""
    reason = "电子证照签发" if content["layout"] in CERTIFICATE_LAYOUTS else content["title"]
    return sign.sign(pdf.render(content), document_key(settings), reason=reason, location=content["authority"])
