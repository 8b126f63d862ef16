"""What happens without anyone asking: no-shows, reminders, exam batches opening, invitations.
Each function is idempotent: it re-reads the rows and does only what is still due."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import asyncpg

import notify
from api.appointments.booking import DEFAULT_POLICY, Policy, q
from api.catalogue import service as catalogue
from api.clock import ZONE, at, local_day, system_now
from api.db import rows, transaction

# F119: "预约日前一天下午" — reminders go out between these hours of the day before.
REMINDER_FROM = time(14, 0)
REMINDER_UNTIL = time(18, 0)


async def mark_no_shows(pool: asyncpg.Pool, *, now: datetime, policy: Policy = DEFAULT_POLICY) -> int:
    """F116: a booking neither cancelled nor checked in 15 minutes after its start is a no-show;
    3 in 90 days suspend online booking for 30 days."""
    async with transaction(pool) as conn:
        marked = await rows(q.mark_no_shows(conn, now=now))
        for user_id in sorted({r["user_id"] for r in marked}):
            await q.suspend_if_due(conn, user_id=user_id, now=now, threshold=policy.no_show_threshold,
                                   window_days=policy.no_show_window_days, suspend_days=policy.suspend_days)
    return len(marked)


async def send_reminders(pool: asyncpg.Pool, *, now: datetime) -> int:
    """F119: the afternoon before, a reminder for every booking of tomorrow that is still active.
    Runs hourly; outside the afternoon it does nothing, and each booking is reminded once per
    start time (a rescheduled booking is reminded again for its new time)."""
    local = now.astimezone(ZONE)
    if not (REMINDER_FROM <= local.time() < REMINDER_UNTIL):
        return 0
    tomorrow = local_day(now) + timedelta(days=1)
    async with transaction(pool) as conn:
        due = await rows(q.due_reminders(conn, from_ts=at(tomorrow, time(0)),
                                         to_ts=at(tomorrow + timedelta(days=1), time(0))))
        for r in due:
            await notify.enqueue(
                conn, user_id=r["user_id"], event="appointment_reminder",
                params={"serviceName": await catalogue.visit_name(conn, r["service_code"], r["kind"]),
                        "siteName": r["site_name"],
                        "slotTime": r["starts_at"].isoformat(), "address": r["site_address"], "code": r["code"]},
                dedupe_key=f"appointment_reminder:{r['id']}:{int(r['starts_at'].timestamp())}",
                subject=("appointment", r["id"]),
            )
    return len(due)


async def announce_exam_batches(pool: asyncpg.Pool, *, now: datetime) -> int:
    """When an exam batch opens, everyone invited for that service and not yet booked is told
    (exam_booking_open by SMS and WeChat). Returns the messages written."""
    sent = 0
    async with transaction(pool) as conn:
        for batch in await rows(q.due_exam_batches(conn, now=now)):
            name = await catalogue.visit_name(conn, batch["service_code"], "exam")
            for inv in await rows(q.open_invitations(conn, service_code=batch["service_code"])):
                await notify.enqueue(
                    conn, user_id=inv["user_id"], event="exam_booking_open",
                    params={"serviceName": name, "openTime": batch["release_at"].isoformat()},
                    dedupe_key=f"exam_booking_open:{inv['id']}:batch:{batch['id']}", subject=None,
                )
                sent += 1
    return sent


async def invite_to_exam(conn: Any, *, user_id: int, service_code: str, application_id: int | None = None,
                         now: datetime | None = None) -> int:
    """The applicant's background checks passed: they may book an exam session of this service.
    If sessions are open now they are told at once; otherwise when the next batch opens."""
    now = now or system_now()
    invitation_id = await q.invite(conn, user_id=user_id, service_code=service_code, application_id=application_id)
    if await q.exam_seats_open(conn, service_code=service_code, now=now):
        await notify.enqueue(
            conn, user_id=user_id, event="exam_booking_open",
            params={"serviceName": await catalogue.visit_name(conn, service_code, "exam"), "openTime": now.isoformat()},
            dedupe_key=f"exam_booking_open:{invitation_id}:open", subject=None,
        )
    return invitation_id
