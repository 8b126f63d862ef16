"""Booking, cancelling, rescheduling and checking in: the rules the FAQ promises (F113–F121).

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
from api.applications import service as applications
from api.applications.states import FINAL as FINAL_STATUSES, TRANSITIONS
from api.appointments.calendar import SHANGHAI, business_date, horizon_end
from api.appointments.schemas import AppointmentOut, CheckInOut
from api.db import load_queries, rows, transaction
from api.idempotency import run_once
from api.types import mask_name, mask_phone
from api.appointments.errors import (
    AlreadyBooked,
    AppointmentNotActive,
    AppointmentNotFound,
    BookingBusy,
    BookingClosed,
    BookingSuspended,
    CaseNotInvited,
    CaseNotOpen,
    CaseNotOwn,
    CaseWrongService,
    ChangeDeadlinePassed,
    CheckInTooEarly,
    CheckInTooLate,
    DailyLimitReached,
    NotExamSlot,
    RescheduleLimitReached,
    SameSlot,
    SlotFull,
    SlotNotFound,
    SlotNotReleased,
    WrongService,
)

q = load_queries(__file__)
P = ParamSpec("P")
T = TypeVar("T")

TRIP_KIND = {"window": "window_checkin", "inspection": "inspection", "exam": "exam"}
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
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def appointment_out(row: Any) -> AppointmentOut:
    return AppointmentOut(
        id=row["id"], code=row["code"], status=row["status"], service_code=row["service_code"],
        kind=row["kind"], slot_id=row["slot_id"], site_id=row["site_id"], site_name=row["site_name"],
        starts_at=row["starts_at"], ends_at=row["ends_at"], change_until=row["change_until"],
        reschedules=row["reschedules"], reschedules_left=max(0, row["max_reschedules"] - row["reschedules"]),
        application_id=row["application_id"], checked_in_at=row["checked_in_at"],
    )


async def _suspended(conn: Any, user_id: int, now: datetime) -> BookingSuspended:
    row = await q.active_suspension(conn, user_id=user_id, now=now)
    until = row["ends_at"] if row else now
    return BookingSuspended(f"可在 {local_time(until)} 后恢复在线预约。", suspendedUntil=until.isoformat())


async def _book_seat(conn: Any, *, user_id: int, slot_id: int, now: datetime, policy: Policy, online: bool,
                     service_code: str | None = None, application_id: int | None = None,
                     assigned_by: int | None = None, waitlist_id: int | None = None,
                     code: str | None = None, appointment_id: int | None = None) -> AppointmentOut:
    """One round trip; raises the domain error that explains a refusal (the caller's
    transaction then rolls back whatever the statement took)."""
    today = business_date(now)
    code = code or new_code()
    row = await q.book_seat(
        conn, slot_id=slot_id, user_id=user_id, now=now, today=today,
        horizon_end=horizon_end(today, policy.horizon_workdays), online=online, daily_limit=policy.daily_limit,
        code=code, service_code=service_code, application_id=application_id, assigned_by=assigned_by,
        waitlist_id=waitlist_id, appointment_id=appointment_id,
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
        raise await _suspended(conn, user_id, now)
    if not row["within_limit"]:
        raise DailyLimitReached(limit=policy.daily_limit)
    if not row["seated"]:
        raise SlotFull()
    if row["appointment_id"] is None:
        raise AlreadyBooked()
    out = _booked_out(row, code)
    out.application_id = application_id
    return out


def _booked_out(row: Any, code: str) -> AppointmentOut:
    return AppointmentOut(
        id=row["appointment_id"], code=code, status="booked", service_code=row["service_code"], kind=row["kind"],
        slot_id=row["slot_id"], site_id=row["site_id"], site_name=row["site_name"], starts_at=row["starts_at"],
        ends_at=row["ends_at"], change_until=row["change_until"], reschedules=0,
        reschedules_left=row["max_reschedules"],
    )


async def case_for_visit(conn: Any, *, user_id: int, service_code: str, kind: str,
                         application_id: int | None) -> int | None:
    """The case a visit (booking) of ``service_code`` by ``user_id`` counts against in the reform
    figures. An exam session: the case of the person's exam invitation (or of their last exam
    booking) for the service while it is in progress. Otherwise, or besides, the case asked for,
    which must be their own, in progress, and of that service (or of a bundle holding it). None: a
    visit without a case, as before (a window or inspection booking naming none costs no query).
    A stranger's case and one that does not exist are refused alike: nothing tells which."""
    if application_id is None and kind != "exam":
        return None
    row = await q.case_for_visit(conn, user_id=user_id, service_code=service_code, exam=kind == "exam",
                                 application_id=application_id, open_statuses=IN_PROGRESS)
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


# Names for messages; the catalogue owns services, appointments only keys them by code.
SERVICE_NAMES = {
    "freight-operating-permit": "道路普通货物运输经营许可",
    "oversize-transport-permit": "超限运输车辆行驶公路许可",
    "dangerous-goods-permit": "危险货物道路运输许可现场核查",
    "ride-hailing-vehicle-permit": "网络预约出租汽车运输证",
    "freight-vehicle-cert": "道路运输证配发",
    "taxi-driver-cert": "巡游出租汽车驾驶员从业资格考试",
    "ride-hailing-driver-cert": "网约车驾驶员从业资格考试",
}


def service_name(code: str) -> str:
    return SERVICE_NAMES.get(code, code)


def _params(appt: AppointmentOut, **more: Any) -> dict[str, Any]:
    """The template variables of notify/templates.py (times as ISO text: notify formats them)."""
    return {"serviceName": service_name(appt.service_code), "slotTime": appt.starts_at.isoformat(),
            "siteName": appt.site_name, "code": appt.code, "changeUntil": appt.change_until.isoformat(),
            "reason": "", **more}


async def _confirm(conn: Any, user_id: int, appt: AppointmentOut, *, event: str = "appointment_confirmed",
                   round_no: int = 0, **more: Any) -> None:
    await notify.enqueue(conn, user_id=user_id, event=event, params=_params(appt, **more),
                         dedupe_key=f"{event}:{appt.id}:{round_no}", subject=("appointment", appt.id))


async def _withdraw_messages(conn: Any, appointment_id: int) -> None:
    """Reminders and confirmations not yet sent for a booking that moved or ended must not go out
    (the reminder job also only picks active bookings)."""
    await notify.cancel_pending(conn, subject=("appointment", appointment_id),
                                events=["appointment_confirmed", "appointment_reminder", "waitlist_booked"])


async def book_online(pool: asyncpg.Pool, *, user_id: int, slot_id: int, now: datetime, idempotency_key: str | None,
                      payload: Any, policy: Policy = DEFAULT_POLICY,
                      application_id: int | None = None) -> AppointmentOut:
    """POST /appointments. In a rush most attempts hit a full slot: one autocommit read turns
    them away without a transaction, a daily-count write or a wait on the slot's row lock.
    The read only refuses (a full slot stays full: freed seats cool first); whether a seat is
    granted is still decided by the conditional update in ``take_seat``. For the others the same
    read gives the booking to prepare (one round trip fewer in the transaction)."""
    scope = "appointments.book"
    async with pool.acquire() as conn:
        look = await q.look_before_booking(conn, slot_id=slot_id, now=now, user_id=user_id, idem_scope=scope,
                                           idem_key=idempotency_key)
    if look is None:
        raise SlotNotFound()
    if look["full"]:
        raise SlotFull()
    async with transaction(pool) as conn:
        return await run_once(conn, user_id=user_id, scope=scope, key=idempotency_key, payload=payload,
                              action=lambda: prepare_booking(conn, look, user_id=user_id,
                                                             application_id=application_id),
                              then=lambda appt: take_seat(conn, appt, user_id=user_id, now=now, policy=policy),
                              result_type=AppointmentOut)


# An online booking in two steps. In a rush everyone queues on the slot's row lock, which the seat
# statement holds until COMMIT; so that statement runs last. Everything else (the confirmation of
# the booking about to be made, its id drawn beforehand; the Idempotency-Key's stored answer)
# is written first, and a refusal raises and the transaction takes it all back.

async def prepare_booking(conn: Any, look: Any, *, user_id: int, application_id: int | None = None) -> AppointmentOut:
    case_id = await case_for_visit(conn, user_id=user_id, service_code=look["service_code"], kind=look["kind"],
                                   application_id=application_id)
    appt = _booked_out(look, new_code())
    appt.application_id = case_id
    await _confirm(conn, user_id, appt)
    if appt.kind == "exam":
        await q.close_invitations(conn, user_id=user_id, service_code=appt.service_code)
    return appt


@contended
async def take_seat(conn: Any, appt: AppointmentOut, *, user_id: int, now: datetime,
                    policy: Policy = DEFAULT_POLICY) -> None:
    booked = await _book_seat(conn, user_id=user_id, slot_id=appt.slot_id, now=now, policy=policy, online=True,
                              code=appt.code, appointment_id=appt.id, application_id=appt.application_id)
    if booked != appt:  # the slot changed since it was read: nothing is kept, the caller may retry
        raise BookingBusy(retry_after=1)


async def get_appointment_row(conn: Any, appointment_id: int) -> Any:
    row = await q.get_appointment(conn, id=appointment_id)
    if row is None:
        raise AppointmentNotFound()
    return row


async def get_for_user(conn: Any, *, user_id: int, appointment_id: int) -> AppointmentOut:
    row = await get_appointment_row(conn, appointment_id)
    if row["user_id"] != user_id:
        raise AppointmentNotFound()
    return appointment_out(row)


async def qr_png(conn: Any, *, user_id: int, appointment_id: int) -> bytes:
    """The booking code as a QR for the phone screen; staff scan it to check the person in."""
    import io

    import segno

    appt = await get_for_user(conn, user_id=user_id, appointment_id=appointment_id)
    out = io.BytesIO()
    segno.make(appt.code, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


async def list_for_user(conn: Any, *, user_id: int) -> list[AppointmentOut]:
    return [appointment_out(r) for r in await rows(q.list_user_appointments(conn, user_id=user_id))]


async def _lock_changeable(conn: Any, *, user_id: int, appointment_id: int, now: datetime) -> Any:
    appt = await q.lock_appointment(conn, id=appointment_id)
    if appt is None or appt["user_id"] != user_id:
        raise AppointmentNotFound()
    if appt["status"] != "booked":
        raise AppointmentNotActive()
    if now >= appt["change_until"]:
        raise ChangeDeadlinePassed(f"截止时间：{local_time(appt['change_until'])}",
                                   changeUntil=appt["change_until"].isoformat())
    return appt


async def free_seat(conn: Any, *, slot_id: int, now: datetime, policy: Policy) -> int | None:
    """A freed seat goes to the first person waiting for that service and day (F117), exactly
    once; with nobody waiting it cools before anyone can book it. Returns the new booking id."""
    from api.appointments.waitlist import hand_over

    new_id = await hand_over(conn, slot_id=slot_id, now=now)
    if new_id is None:
        await q.cool_seat(conn, slot_id=slot_id, now=now,
                          cooling_until=now + timedelta(minutes=policy.cooling_minutes))
    return new_id


@contended
async def cancel(conn: Any, *, user_id: int, appointment_id: int, now: datetime,
                 policy: Policy = DEFAULT_POLICY) -> AppointmentOut:
    """F114: until 1 hour before the start (exam and on-site checks: 17:00 the working day before)."""
    appt = await _lock_changeable(conn, user_id=user_id, appointment_id=appointment_id, now=now)
    await q.cancel_appointment(conn, id=appointment_id, now=now)
    await free_seat(conn, slot_id=appt["slot_id"], now=now, policy=policy)
    await _withdraw_messages(conn, appointment_id)
    out = appointment_out(await get_appointment_row(conn, appointment_id))
    await _confirm(conn, user_id, out, event="appointment_cancelled", reason="按时取消的号源已释放，不计爽约。")
    return out


@contended
async def reschedule(conn: Any, *, user_id: int, appointment_id: int, slot_id: int, now: datetime,
                     policy: Policy = DEFAULT_POLICY) -> AppointmentOut:
    """F115 / F120: atomic — the new seat is taken before the old one is freed; if the new slot
    is full nothing changes."""
    appt = await _lock_changeable(conn, user_id=user_id, appointment_id=appointment_id, now=now)
    if appt["reschedules"] >= appt["max_reschedules"]:
        raise RescheduleLimitReached(f"每个预约最多改约 {appt['max_reschedules']} 次。",
                                     maxReschedules=appt["max_reschedules"])
    if slot_id == appt["slot_id"]:
        raise SameSlot()
    await rows(q.lock_slots(conn, ids=sorted({slot_id, appt["slot_id"]})))
    today = business_date(now)
    seat = await q.take_seat(conn, slot_id=slot_id, now=now, horizon_end=horizon_end(today, policy.horizon_workdays),
                             service_code=appt["service_code"])
    if seat["id"] is None:
        raise SlotNotFound()
    if not seat["service_ok"]:
        raise WrongService()
    if not seat["released"]:
        raise SlotNotReleased()
    if not seat["is_open"]:
        raise BookingClosed()
    if not seat["seated"]:
        raise SlotFull()
    await q.move_appointment(conn, id=appointment_id, slot_id=slot_id)
    await q.record_change(conn, appointment_id=appointment_id, from_slot_id=appt["slot_id"], to_slot_id=slot_id,
                          now=now)
    await free_seat(conn, slot_id=appt["slot_id"], now=now, policy=policy)
    await _withdraw_messages(conn, appointment_id)
    out = appointment_out(await get_appointment_row(conn, appointment_id))
    await _confirm(conn, user_id, out, round_no=out.reschedules)
    return out


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


@contended
async def assign_exam_slot(conn: Any, *, user_id: int, service_code: str, slot_id: int,
                           application_id: int | None, actor_id: int, now: datetime | None = None,
                           policy: Policy = DEFAULT_POLICY) -> AppointmentOut:
    """Staff (or the approvals flow once background checks pass) put an applicant on an exam
    session. Capacity and the one-active-booking rule hold as for online bookings; the daily
    limit, the release time and a no-show suspension do not apply to staff. Sends exam_slot."""
    from api.appointments.calendar import system_clock

    now = now or system_clock()
    application_id = await case_for_visit(conn, user_id=user_id, service_code=service_code, kind="exam",
                                          application_id=application_id)
    appt = await _book_seat(conn, user_id=user_id, slot_id=slot_id, now=now, policy=policy, online=False,
                            service_code=service_code, application_id=application_id, assigned_by=actor_id)
    if appt.kind != "exam":
        raise NotExamSlot()
    await _confirm(conn, user_id, appt, event="exam_slot")
    await q.close_invitations(conn, user_id=user_id, service_code=service_code)
    return appt
