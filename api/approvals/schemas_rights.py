"""What an approver sends to pause a case's clock from its task (issue 23)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from api.types import Input


class PauseIn(Input):
    """现场核查 (inspection) or 技术评估/加固改造 (assessment), and why (shown on the timeline)."""

    kind: Literal["inspection", "assessment"]
    reason: Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]
