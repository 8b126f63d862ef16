"""The body and answer of a case entered for a person at a window (F083)."""

from __future__ import annotations

from datetime import datetime

from api.types import Answers, Form, Input, Mobile, Schema, ServiceCode


class WindowEntryIn(Input):
    """The person at the window, named by their account's phone, and what they ask for."""

    phone: Mobile
    service_code: ServiceCode
    answers: Answers = {}
    form: Form = {}


class WindowEntryOut(Schema):
    application_id: int
    service_code: str
    status: str           # draft: the person checks it on the phone and submits
    entered_by: int       # the staff member
    entered_at: datetime
