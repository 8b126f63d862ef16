"""Signed documents as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from api.types import Schema


class DocumentOut(Schema):
    """One signed document: a version of a licence's electronic licence, or a letter of a case."""

    id: int
    kind: Literal["licence", "refusal", "gap_notice", "cancellation"]  # cancellation: F029 电子注销证明
    version: int
    status: Literal["pending", "ready"]  # pending: being drawn and signed by a job
    created_at: datetime
    licence_id: int | None = None
    application_id: int | None = None
    reason: str | None = None
    sha256: str | None = None
    rendered_at: datetime | None = None
    url: str | None = None  # the signed PDF, once ready
