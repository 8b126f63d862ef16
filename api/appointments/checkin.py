"""Checking in at the site (F118): staff scan the booking code; the visit becomes a trip."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.applications import service as applications
from api.appointments.booking import DEFAULT_POLICY, Policy, appointment_out, get_appointment_row, local_time, q
from api.appointments.errors import AppointmentNotActive, AppointmentNotFound, CheckInTooEarly, CheckInTooLate
from api.appointments.schemas import AppointmentOut, CheckInOut
from api.types import mask_name, mask_phone

TRIP_KIND = {"window": "window_checkin", "inspection": "inspection", "exam": "exam"}


async def check_in_desk(conn: Any, *, now: datetime, appointment_id: int | None = None, code: str | None = None,
                        policy: Policy = DEFAULT_POLICY) -> CheckInOut:
    """The staff view of a check-in: the booking and its holder, masked."""
    appt, trip_kind = await check_in(conn, now=now, appointment_id=appointment_id, code=code, policy=policy)
    row = await get_appointment_row(conn, appt.id)
    holder = await q.holder(conn, user_id=row["user_id"])
    return CheckInOut(appointment=appt, trip_kind=trip_kind, holder_name=mask_name(holder["name"]),
                      holder_phone=mask_phone(holder["phone"]))


async def check_in(conn: Any, *, now: datetime, appointment_id: int | None = None, code: str | None = None,
                   policy: Policy = DEFAULT_POLICY) -> tuple[AppointmentOut, str]:
    """Staff scan the booking code (F118): from 30 minutes before to 15 minutes after the start.
    The visit is recorded once as a trip; scanning twice is harmless."""
    row = (await q.get_appointment(conn, id=appointment_id) if appointment_id is not None
           else await q.get_appointment_by_code(conn, code=code))
    if row is None:
        raise AppointmentNotFound()
    trip_kind = TRIP_KIND[row["kind"]]
    if row["status"] == "checked_in":
        return appointment_out(row), trip_kind
    if row["status"] != "booked":
        raise AppointmentNotActive()
    if now < row["starts_at"] - policy.check_in_before:
        raise CheckInTooEarly(f"可签到时间：{local_time(row['starts_at'] - policy.check_in_before)} 起")
    if now > row["starts_at"] + policy.check_in_after:
        raise CheckInTooLate()
    if await q.check_in(conn, id=row["id"], now=now) is None:
        raise AppointmentNotActive()  # cancelled or marked in the same instant
    # the one place trips are recorded: with a case, it counts in that case's figures and timeline
    await applications.record_trip(conn, user_id=row["user_id"], application_id=row["application_id"],
                                   kind=trip_kind, source_type="appointment", source_id=row["id"])
    return appointment_out(await get_appointment_row(conn, row["id"])), trip_kind
