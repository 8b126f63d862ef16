from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.enterprises.schemas import OwningSubjectOut
from api.types import Input, Schema, ServiceCode

Id = Annotated[int, Meta(ge=1, le=2**62)]
BookingCode = Annotated[str, Meta(pattern=r"^[A-Z2-9]{10}$", description="预约码（二维码内容）")]
Kind = Literal["window", "inspection", "exam"]


class BookIn(Input):
    slot_id: Id
    # the booker's own case in progress this visit is for (counted as its trip in the reform
    # figures); without it, an open exam invitation's case is used, else the booking has none
    application_id: Id | None = None


class RescheduleIn(Input):
    slot_id: Id


class CheckInIn(Input):
    code: BookingCode


class WaitlistIn(Input):
    service_code: ServiceCode
    date: date
    site_id: Id | None = None


class GenerateIn(Input):
    site_id: Id
    date_from: date
    date_to: date
    service_code: ServiceCode | None = None
    # exam batches: the announced moment the sessions open for booking (the rush)
    release_at: datetime | None = None
    capacity: Annotated[int, Meta(ge=1, le=10000)] | None = None

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("dateTo must not be before dateFrom")
        if (self.date_to - self.date_from).days > 92:
            raise ValueError("at most 93 days at once")
        if self.release_at is not None and self.release_at.tzinfo is None:
            raise ValueError("releaseAt needs a time zone")


class AssignExamIn(Input):
    user_id: Id
    service_code: ServiceCode
    slot_id: Id
    application_id: Id | None = None


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    address: str
    phone: str
    services: list[str]


class SlotOut(Schema):
    id: int
    site_id: int
    site_name: str
    service_code: str
    kind: str
    day: date
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_left: int
    book_until: datetime
    # F113: online booking reaches the next 7 working days; a later slot is shown, not bookable,
    # with the date its booking opens (Beijing time, from 00:00).
    bookable: bool = True
    opens_on: date | None = None


class AppointmentOut(Schema):
    id: int
    code: str
    status: str
    service_code: str
    kind: str
    slot_id: int
    site_id: int
    site_name: str
    starts_at: datetime
    ends_at: datetime
    change_until: datetime
    reschedules: int
    reschedules_left: int
    application_id: int | None = None
    checked_in_at: datetime | None = None
    subject: OwningSubjectOut | None = None  # whose booking: the person's or an enterprise's (list and detail)


class CheckInOut(Schema):
    appointment: AppointmentOut
    trip_kind: str
    # masked: enough for the desk to match the person with their ID card, no more
    holder_name: str | None = None
    holder_phone: str | None = None


class WaitlistOut(Schema):
    id: int
    service_code: str
    date: date
    site_id: int | None
    status: str
    position: int


class GenerateOut(Schema):
    created: int
    days: list[date]
