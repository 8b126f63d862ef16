"""F071's on-site checks after 一类/二类 repair filings: what staff send and what both sides see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.types import Input, Schema

Text = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]


class VisitIn(Input):
    """The time agreed with the company (by phone) and where the staff go."""

    visit_at: datetime
    address: Text


class RectificationItem(Input):
    """One thing found not as filed (场地、设备、人员), and what to put right."""

    item: Text
    requirement: Annotated[str, Meta(max_length=200)] = ""


class SiteCheckResultIn(Input):
    """pass, or fail with the COMPLETE list of items (one rectification notice, sent once)."""

    result: Literal["pass", "fail"]
    items: Annotated[list[RectificationItem], Meta(max_length=50)] = []
    note: Annotated[str, Meta(max_length=500)] = ""


class SiteCheckOut(Schema):
    """One on-site check: due within 30 days of the filing's decision; overdue while open past it."""

    id: int
    application_id: int
    category: str
    due_on: date
    status: str
    overdue: bool
    escalated: bool = False  # past its 30 days and the leads told (once)
    public_no: str | None = None
    company_name: str | None = None
    site_address: str | None = None
    visit_at: datetime | None = None
    visit_address: str | None = None
    result_at: datetime | None = None
    result_note: str | None = None
    rectification_items: list[RectificationItem] | None = None
    notice_sent_at: datetime | None = None
