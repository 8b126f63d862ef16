"""The waitlist (F117): when a seat frees up, the first person waiting is booked, exactly once,
and told. Exactly once holds in the database: the waitlist row is locked and moves out of
'waiting' in the same transaction that books, and a booking names its waitlist row (unique)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import structlog

import notify
from api.appointments import booking
from api.appointments.booking import DEFAULT_POLICY, Policy
from api.appointments.calendar import horizon_end
from api.appointments.errors import AlreadyBooked, BookingClosed, SlotFull
from api.appointments.schemas import WaitlistIn, WaitlistOut
from api.auth.schemas import AuthUser
from api.clock import local_day
from api.db import rows, transaction
from api.enterprises import scope
from api.errors import Conflict

q = booking.q
log = structlog.get_logger("zsb.appointments")


class SeatsAvailable(Conflict):
    """该日期还有空余号源，请直接预约。"""

    code = "seats_available"


class NoSlotsThatDay(Conflict):
    """该日期没有可预约的时段。"""

    code = "no_slots"


def _out(row: Any, position: int) -> WaitlistOut:
    return WaitlistOut(id=row["id"], service_code=row["service_code"], date=row["day"], site_id=row["site_id"],
                       status=row["status"], position=position)


async def _tell(conn: Any, user_id: int, appointment_id: int, waitlist_id: int) -> None:
    appt = booking.appointment_out(await booking.get_appointment_row(conn, appointment_id))
    await notify.enqueue(conn, user_id=user_id, event="waitlist_booked", params=await booking.params(conn, appt),
                             dedupe_key=f"waitlist_booked:{waitlist_id}", subject=("appointment", appointment_id))


async def hand_over(conn: Any, *, slot_id: int, now: datetime) -> int | None:
    """Give the (still taken) seat of ``slot_id`` to the first person waiting; None if nobody."""
    slot = await q.slot_for_handover(conn, slot_id=slot_id)
    if slot is None or slot["book_until"] <= now:
        return None
    while True:
        entry = await q.next_waiting(conn, service_code=slot["service_code"], day=slot["day"],
                                     site_id=slot["site_id"], now=now)
        if entry is None:
            return None
        new_id = await q.hand_over_seat(conn, slot_id=slot_id, user_id=entry["user_id"], code=booking.new_code(),
                                        waitlist_id=entry["id"], now=now)
        if new_id is None:  # booked that service meanwhile: their registration has served its purpose
            await q.set_waitlist_status(conn, id=entry["id"], status="superseded", appointment_id=None, now=now)
            continue
        await q.set_waitlist_status(conn, id=entry["id"], status="booked", appointment_id=new_id, now=now)
        await _tell(conn, entry["user_id"], new_id, entry["id"])
        return new_id


async def join(conn: Any, *, user_id: int, data: WaitlistIn, now: datetime,
               policy: Policy = DEFAULT_POLICY, subject: AuthUser | None = None) -> WaitlistOut:
    """Register for a full day. Registering twice returns the same place in the queue. The entry,
    and the booking it becomes, belong to the caller's acting subject (``subject``); the suspension
    and the one entry per day stay the person's."""
    enterprise_id = scope.check_may_act(subject, data.service_code) if subject else None
    if await q.active_suspension(conn, user_id=user_id, now=now) is not None:
        raise await booking.suspended(conn, user_id, now)
    today = local_day(now)
    avail = await q.day_availability(conn, service_code=data.service_code, day=data.date, site_id=data.site_id,
                                     now=now, horizon_end=horizon_end(today, policy.horizon_workdays))
    if avail["slots"] == 0:
        raise NoSlotsThatDay()
    if avail["free"] > 0:
        raise SeatsAvailable()
    if await q.has_active_booking(conn, user_id=user_id, service_code=data.service_code):
        raise AlreadyBooked()
    row = await q.join_waitlist(conn, user_id=user_id, service_code=data.service_code, day=data.date,
                                site_id=data.site_id, enterprise_id=enterprise_id)
    if row is None:
        row = await q.get_waiting(conn, user_id=user_id, service_code=data.service_code, day=data.date)
    return _out(row, await q.waitlist_position(conn, id=row["id"]))


async def fill_free_seats(pool: asyncpg.Pool, *, now: datetime,
                          policy: Policy = DEFAULT_POLICY) -> int:
    """Seats that became free without a hand-over (cooling over, slots added) go to the people
    waiting for that day before anyone else sees them in the next minutes. Returns bookings made."""
    async with transaction(pool) as conn:
        await q.expire_waitlist(conn, today=local_day(now), now=now)
        candidates = await rows(q.waitlist_candidates(conn, now=now))
    made = 0
    for cand in candidates:
        try:
            async with transaction(pool) as conn:
                entry = await q.lock_waiting(conn, id=cand["waitlist_id"])
                if entry is None:
                    continue  # booked or cancelled meanwhile, or another worker has it
                if await q.has_active_booking(conn, user_id=entry["user_id"], service_code=entry["service_code"]):
                    await q.set_waitlist_status(conn, id=entry["id"], status="superseded", appointment_id=None,
                                                now=now)
                    continue
                appt = await booking.book_seat(conn, user_id=entry["user_id"], slot_id=cand["slot_id"], now=now,
                                               policy=policy, online=False, waitlist_id=entry["id"],
                                               enterprise_id=entry["enterprise_id"])
                await q.set_waitlist_status(conn, id=entry["id"], status="booked", appointment_id=appt.id, now=now)
                await _tell(conn, entry["user_id"], appt.id, entry["id"])
                made += 1
        except (SlotFull, AlreadyBooked, BookingClosed, asyncpg.exceptions.DeadlockDetectedError):
            log.info("waitlist_seat_gone", waitlist_id=cand["waitlist_id"], slot_id=cand["slot_id"])
    return made
