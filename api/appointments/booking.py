"""The booking core the other modules of the area build on: the policy's numbers, a seat taken
by one statement, the case a visit counts against, and the messages about a booking.

The database decides capacity: a seat is taken only by a conditional UPDATE of the slot row
(``seats_taken + cooling < capacity``) in the same statement that inserts the booking, and the
partial unique index allows one active booking per person per service. Nothing is checked in
Python and then inserted.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

import asyncpg
import msgspec

import notify
from api.applications.states import FINAL as FINAL_STATUSES, TRANSITIONS
from api.appointments.calendar import horizon_end
from api.appointments.errors import (
    AlreadyBooked,
    AppointmentNotFound,
    BookingBusy,
    BookingClosed,
    BookingSuspended,
    CaseNotInvited,
    CaseNotOpen,
    CaseNotOwn,
    CaseWrongService,
    DailyLimitReached,
    SlotFull,
    SlotNotFound,
    SlotNotReleased,
    WrongService,
)
from api.appointments.schemas import AppointmentOut
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.enterprises import scope
from api.clock import ZONE, local_day
from api.db import load_queries

q = load_queries(__file__)
P = ParamSpec("P")
T = TypeVar("T")

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud at a window
# a case a visit can count against: submitted and not yet ended (the state machine's own lists)
IN_PROGRESS = sorted(set(TRANSITIONS) - FINAL_STATUSES - {"draft"})


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    """The numbers of the booking rules; tests and deployments may swap them (app.state)."""

    cooling_minutes: int = 10          # a cancelled seat returns to the pool after this
    daily_limit: int = 3               # bookings a person may make per day (anti slot-trading)
    horizon_workdays: int = 7          # F113: the next 7 working days
    no_show_threshold: int = 3         # F116: 3 no-shows ...
    no_show_window_days: int = 90      # ... in 90 days ...
    suspend_days: int = 30             # ... suspend online booking for 30 days
    check_in_before: timedelta = timedelta(minutes=30)  # F118
    check_in_after: timedelta = timedelta(minutes=15)   # F116 / F118


DEFAULT_POLICY = Policy()


def contended(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A deadlock or serialization failure between two changes is a clear 503, never a 500
    (row locks are taken in a fixed order, so this is a last line of defence); so is the
    50-bit booking code colliding with another (the only unique index these paths can hit
    that is not handled by ON CONFLICT)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError,
                asyncpg.exceptions.UniqueViolationError):
            raise BookingBusy(retry_after=1) from None

    return wrapper



def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def local_time(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def appointment_out(row: Any) -> AppointmentOut:
    return AppointmentOut(
        id=row["id"], code=row["code"], status=row["status"], service_code=row["service_code"],
        kind=row["kind"], slot_id=row["slot_id"], site_id=row["site_id"], site_name=row["site_name"],
        starts_at=row["starts_at"], ends_at=row["ends_at"], change_until=row["change_until"],
        reschedules=row["reschedules"], reschedules_left=max(0, row["max_reschedules"] - row["reschedules"]),
        application_id=row["application_id"], checked_in_at=row["checked_in_at"],
    )


async def suspended(conn: Any, user_id: int, now: datetime) -> BookingSuspended:
    row = await q.active_suspension(conn, user_id=user_id, now=now)
    until = row["ends_at"] if row else now
    return BookingSuspended(f"可在 {local_time(until)} 后恢复在线预约。", suspendedUntil=until.isoformat())


async def book_seat(conn: Any, *, user_id: int, slot_id: int, now: datetime, policy: Policy, online: bool,
                    service_code: str | None = None, application_id: int | None = None,
                    assigned_by: int | None = None, waitlist_id: int | None = None,
                    code: str | None = None, appointment_id: int | None = None,
                    enterprise_id: int | None = None) -> AppointmentOut:
    """One round trip; raises the domain error that explains a refusal (the caller's
    transaction then rolls back whatever the statement took). ``enterprise_id``: the subject the
    booking belongs to (None: the person); the limits are the person's either way."""
    today = local_day(now)
    code = code or new_code()
    row = await q.book_seat(
        conn, slot_id=slot_id, user_id=user_id, now=now, today=today,
        horizon_end=horizon_end(today, policy.horizon_workdays), online=online, daily_limit=policy.daily_limit,
        code=code, service_code=service_code, application_id=application_id, assigned_by=assigned_by,
        waitlist_id=waitlist_id, appointment_id=appointment_id, enterprise_id=enterprise_id,
    )
    if row["slot_id"] is None:
        raise SlotNotFound()
    if not row["service_ok"]:
        raise WrongService()
    if not row["released"]:
        raise SlotNotReleased(f"开放时间：{local_time(row['release_at'])}", releaseAt=row["release_at"].isoformat())
    if not row["is_open"]:
        raise BookingClosed()
    if not row["allowed"]:
        raise await suspended(conn, user_id, now)
    if not row["within_limit"]:
        raise DailyLimitReached(limit=policy.daily_limit)
    if not row["seated"]:
        raise SlotFull()
    if row["appointment_id"] is None:
        raise AlreadyBooked()
    out = booked_out(row, code)
    out.application_id = application_id
    return out


def booked_out(row: Any, code: str) -> AppointmentOut:
    return AppointmentOut(
        id=row["appointment_id"], code=code, status="booked", service_code=row["service_code"], kind=row["kind"],
        slot_id=row["slot_id"], site_id=row["site_id"], site_name=row["site_name"], starts_at=row["starts_at"],
        ends_at=row["ends_at"], change_until=row["change_until"], reschedules=0,
        reschedules_left=row["max_reschedules"],
    )


async def case_for_visit(conn: Any, *, user_id: int, service_code: str, kind: str,
                         application_id: int | None, subject: AuthUser | None = None) -> int | None:
    """The case a visit (booking) of ``service_code`` by ``user_id`` counts against in the reform
    figures. An exam session: the case of the person's exam invitation (or of their last exam
    booking) for the service while it is in progress. Otherwise, or besides, the case asked for,
    which must be their acting subject's (``subject``: the caller's token; None: the person
    ``user_id`` as themself), in progress, and of that service (or of a bundle holding it). None: a
    visit without a case, as before (a window or inspection booking naming none costs no query).
    A stranger's case and one that does not exist are refused alike: nothing tells which."""
    if application_id is None and kind != "exam":
        return None
    row = await q.case_for_visit(conn, user_id=user_id, service_code=service_code, exam=kind == "exam",
                                 application_id=application_id, open_statuses=IN_PROGRESS,
                                 enterprise_id=subject.enterprise_id if subject else None,
                                 **scope.granted_services(subject or AuthUser(id=user_id)))
    if application_id is None:
        return row["invited_id"]
    if row["id"] is None or not row["own"]:
        raise CaseNotOwn(applicationId=application_id)
    if row["invited_id"] is not None and row["invited_id"] != application_id:
        raise CaseNotInvited(applicationId=application_id)
    if not row["service_ok"]:
        raise CaseWrongService(applicationId=application_id, serviceCode=service_code)
    if not row["in_progress"]:
        raise CaseNotOpen(applicationId=application_id)
    return application_id



async def get_appointment_row(conn: Any, appointment_id: int) -> Any:
    row = await q.get_appointment(conn, id=appointment_id)
    if row is None:
        raise AppointmentNotFound()
    return row


async def params(conn: Any, appt: AppointmentOut, **more: Any) -> dict[str, Any]:
    """The template variables of notify/templates.py (times as ISO text: notify formats them);
    the service is named as the catalogue names the visit (巡游出租汽车驾驶员从业资格考试)."""
    return {"serviceName": await catalogue.visit_name(conn, appt.service_code, appt.kind),
            "slotTime": appt.starts_at.isoformat(), "siteName": appt.site_name, "code": appt.code,
            "changeUntil": appt.change_until.isoformat(), "reason": "", **more}


async def confirm(conn: Any, user_id: int, appt: AppointmentOut, *, event: str = "appointment_confirmed",
                  round_no: int = 0, **more: Any) -> None:
    await notify.enqueue(conn, user_id=user_id, event=event, params=await params(conn, appt, **more),
                         dedupe_key=f"{event}:{appt.id}:{round_no}", subject=("appointment", appt.id))


async def withdraw_messages(conn: Any, appointment_id: int) -> None:
    """Reminders and confirmations not yet sent for a booking that moved or ended must not go out
    (the reminder job also only picks active bookings)."""
    await notify.cancel_pending(conn, subject=("appointment", appointment_id),
                                events=["appointment_confirmed", "appointment_reminder", "waitlist_booked"])
