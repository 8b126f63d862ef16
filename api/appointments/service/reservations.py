"""Booking, cancelling, rescheduling and exam sessions assigned by staff: the rules the FAQ
promises (F113–F121), on the booking core of ``api.appointments.booking``; checking in is
``api.appointments.checkin``.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec
import segno

from api.appointments import waitlist
from api.appointments.booking import (
    DEFAULT_POLICY,
    Policy,
    appointment_out,
    book_seat,
    booked_out,
    case_for_visit,
    confirm,
    contended,
    get_appointment_row,
    local_time,
    new_code,
    q,
    withdraw_messages,
)
from api.appointments.calendar import horizon_end
from api.appointments.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    BookingBusy,
    BookingClosed,
    ChangeDeadlinePassed,
    NotExamSlot,
    RescheduleLimitReached,
    SameSlot,
    SlotFull,
    SlotNotFound,
    SlotNotReleased,
    WrongService,
)
from api.appointments.schemas import AppointmentOut
from api.auth.schemas import AuthUser
from api.catalogue import service as catalogue
from api.clock import local_day, system_now
from api.db import rows, transaction
from api.enterprises import scope
from api.enterprises import service as enterprises
from api.idempotency import run_once


def service_name(code: str) -> str:
    """A service's visit name as shipped, for the console's synchronous pages (site schedules, the
    settings log); messages read the catalogue's current name (``catalogue.visit_name``)."""
    return catalogue.shipped_visit_names().get(code, code)


async def book_online(pool: asyncpg.Pool, *, user_id: int, slot_id: int, now: datetime, idempotency_key: str | None,
                      payload: Any, policy: Policy = DEFAULT_POLICY,
                      application_id: int | None = None, subject: AuthUser | None = None) -> AppointmentOut:
    """POST /appointments. In a rush most attempts hit a full slot: one autocommit read turns
    them away without a transaction, a daily-count write or a wait on the slot's row lock.
    The read only refuses (a full slot stays full: freed seats cool first); whether a seat is
    granted is still decided by the conditional update in ``take_seat``. For the others the same
    read gives the booking to prepare (one round trip fewer in the transaction). The booking belongs
    to the caller's acting subject (``subject``, from the token: no read); the limits stay the person's."""
    idem_scope = "appointments.book"
    async with pool.acquire() as conn:
        look = await q.look_before_booking(conn, slot_id=slot_id, now=now, user_id=user_id, idem_scope=idem_scope,
                                           idem_key=idempotency_key)
    if look is None:
        raise SlotNotFound()
    enterprise_id = scope.check_may_act(subject, look["service_code"]) if subject else None
    if look["full"]:
        raise SlotFull()
    async with transaction(pool) as conn:
        return await run_once(conn, user_id=user_id, scope=idem_scope, key=idempotency_key, payload=payload,
                              action=lambda: prepare_booking(conn, look, user_id=user_id,
                                                             application_id=application_id, subject=subject),
                              then=lambda appt: take_seat(conn, appt, user_id=user_id, now=now, policy=policy,
                                                          enterprise_id=enterprise_id),
                              result_type=AppointmentOut)


# An online booking in two steps. In a rush everyone queues on the slot's row lock, which the seat
# statement holds until COMMIT; so that statement runs last. Everything else (the confirmation of
# the booking about to be made, its id drawn beforehand; the Idempotency-Key's stored answer)
# is written first, and a refusal raises and the transaction takes it all back.

async def prepare_booking(conn: Any, look: Any, *, user_id: int, application_id: int | None = None,
                          subject: AuthUser | None = None) -> AppointmentOut:
    case_id = await case_for_visit(conn, user_id=user_id, service_code=look["service_code"], kind=look["kind"],
                                   application_id=application_id, subject=subject)
    appt = booked_out(look, new_code())
    appt.application_id = case_id
    await confirm(conn, user_id, appt)
    if appt.kind == "exam":
        await q.close_invitations(conn, user_id=user_id, service_code=appt.service_code)
    return appt


@contended
async def take_seat(conn: Any, appt: AppointmentOut, *, user_id: int, now: datetime,
                    policy: Policy = DEFAULT_POLICY, enterprise_id: int | None = None) -> None:
    booked = await book_seat(conn, user_id=user_id, slot_id=appt.slot_id, now=now, policy=policy, online=True,
                             code=appt.code, appointment_id=appt.id, application_id=appt.application_id,
                             enterprise_id=enterprise_id)
    if booked != appt:  # the slot changed since it was read: nothing is kept, the caller may retry
        raise BookingBusy(retry_after=1)


def _reaches(user: AuthUser, row: Any) -> bool:
    """The booking is the caller's acting subject's (an 经办人: of a service granted to them)."""
    return scope.reaches(user, enterprise_id=row["enterprise_id"], owner_id=row["user_id"],
                         service_code=row["service_code"])


async def get_for_user(conn: Any, *, user: AuthUser, appointment_id: int) -> AppointmentOut:
    row = await get_appointment_row(conn, appointment_id)
    if not _reaches(user, row):
        raise AppointmentNotFound()
    return msgspec.structs.replace(appointment_out(row),
                                   subject=await enterprises.owning_subject(conn, row["enterprise_id"]))


async def qr_png(conn: Any, *, user: AuthUser, appointment_id: int) -> bytes:
    """The booking code as a QR for the phone screen; staff scan it to check the person in."""
    appt = await get_for_user(conn, user=user, appointment_id=appointment_id)
    out = io.BytesIO()
    segno.make(appt.code, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


async def list_for_user(conn: Any, *, user: AuthUser) -> list[AppointmentOut]:
    """The acting subject's bookings: the person's own as themself, or the enterprise's."""
    if user.enterprise_id is None:
        found = await rows(q.list_user_appointments(conn, user_id=user.id))
    else:
        found = await rows(q.list_enterprise_appointments(conn, enterprise_id=user.enterprise_id,
                                                          **scope.granted_services(user)))
    subjects = await enterprises.owning_subjects(conn, (r["enterprise_id"] for r in found))
    return [msgspec.structs.replace(appointment_out(r), subject=subjects[r["enterprise_id"]]) for r in found]


async def _lock_changeable(conn: Any, *, user: AuthUser, appointment_id: int, now: datetime) -> Any:
    appt = await q.lock_appointment(conn, id=appointment_id)
    if appt is None or not _reaches(user, appt):
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
    new_id = await waitlist.hand_over(conn, slot_id=slot_id, now=now)
    if new_id is None:
        await q.cool_seat(conn, slot_id=slot_id, now=now,
                          cooling_until=now + timedelta(minutes=policy.cooling_minutes))
    return new_id


@contended
async def cancel(conn: Any, *, user: AuthUser, appointment_id: int, now: datetime,
                 policy: Policy = DEFAULT_POLICY) -> AppointmentOut:
    """F114: until 1 hour before the start (exam and on-site checks: 17:00 the working day before).
    An enterprise's booking may be cancelled by any of its people who reach it; the person who
    booked it is told."""
    appt = await _lock_changeable(conn, user=user, appointment_id=appointment_id, now=now)
    await q.cancel_appointment(conn, id=appointment_id, now=now)
    await free_seat(conn, slot_id=appt["slot_id"], now=now, policy=policy)
    await withdraw_messages(conn, appointment_id)
    out = appointment_out(await get_appointment_row(conn, appointment_id))
    await confirm(conn, appt["user_id"], out, event="appointment_cancelled", reason="按时取消的号源已释放，不计爽约。")
    return out


async def cancel_exam_bookings(conn: Any, *, user_id: int, service_code: str, application_id: int,
                               from_ts: datetime, now: datetime, reason: str, policy: Policy | None = None) -> list[int]:
    """The bureau ended an exam case (F123): its exam bookings from ``from_ts`` on (an online one
    names no case) are cancelled by a cancellation's own steps, without the applicant's change
    deadline, and the person's open invitations of the service closed. Returns the ids cancelled."""
    cancelled = []
    for r in await rows(q.exam_bookings_from(conn, user_id=user_id, service_code=service_code,
                                             application_id=application_id, from_ts=from_ts)):
        booking = await q.lock_appointment(conn, id=r["id"])
        if booking is None or await q.cancel_appointment(conn, id=r["id"], now=now) is None:
            continue  # checked in or cancelled meanwhile
        await free_seat(conn, slot_id=booking["slot_id"], now=now, policy=policy or DEFAULT_POLICY)
        await withdraw_messages(conn, r["id"])
        out = appointment_out(await get_appointment_row(conn, r["id"]))
        await confirm(conn, booking["user_id"], out, event="appointment_cancelled", reason=reason)
        cancelled.append(r["id"])
    await q.close_invitations(conn, user_id=user_id, service_code=service_code)
    return cancelled


@contended
async def reschedule(conn: Any, *, user: AuthUser, appointment_id: int, slot_id: int, now: datetime,
                     policy: Policy = DEFAULT_POLICY) -> AppointmentOut:
    """F115 / F120: atomic — the new seat is taken before the old one is freed; if the new slot
    is full nothing changes. The booking keeps its person and subject."""
    appt = await _lock_changeable(conn, user=user, appointment_id=appointment_id, now=now)
    if appt["reschedules"] >= appt["max_reschedules"]:
        raise RescheduleLimitReached(f"每个预约最多改约 {appt['max_reschedules']} 次。",
                                     maxReschedules=appt["max_reschedules"])
    if slot_id == appt["slot_id"]:
        raise SameSlot()
    await rows(q.lock_slots(conn, ids=sorted({slot_id, appt["slot_id"]})))
    today = local_day(now)
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
    await withdraw_messages(conn, appointment_id)
    out = appointment_out(await get_appointment_row(conn, appointment_id))
    await confirm(conn, appt["user_id"], out, round_no=out.reschedules)
    return out


@contended
async def assign_exam_slot(conn: Any, *, user_id: int, service_code: str, slot_id: int,
                           application_id: int | None, actor_id: int, now: datetime | None = None,
                           policy: Policy = DEFAULT_POLICY) -> AppointmentOut:
    """Staff (or the approvals flow once background checks pass) put an applicant on an exam
    session. Capacity and the one-active-booking rule hold as for online bookings; the daily
    limit, the release time and a no-show suspension do not apply to staff. Sends exam_slot."""
    now = now or system_now()
    application_id = await case_for_visit(conn, user_id=user_id, service_code=service_code, kind="exam",
                                          application_id=application_id)
    appt = await book_seat(conn, user_id=user_id, slot_id=slot_id, now=now, policy=policy, online=False,
                           service_code=service_code, application_id=application_id, assigned_by=actor_id)
    if appt.kind != "exam":
        raise NotExamSlot()
    await confirm(conn, user_id, appt, event="exam_slot")
    await q.close_invitations(conn, user_id=user_id, service_code=service_code)
    return appt
