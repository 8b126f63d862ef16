"""Appointment jobs: no-shows, reminders, the waitlist sweep and exam batches opening.

Each reads the clock from ``ctx["appointment_clock"]`` when a test puts one there, and re-reads
the rows it acts on, so running twice does nothing more."""

from __future__ import annotations

from typing import Any

from api.appointments import duties, waitlist
from api.appointments.calendar import system_clock
from api.appointments.service import DEFAULT_POLICY


def _now(ctx: dict[str, Any]) -> Any:
    return ctx.get("appointment_clock", system_clock)()


def _policy(ctx: dict[str, Any]) -> Any:
    return ctx.get("appointment_policy") or DEFAULT_POLICY


async def mark_appointment_no_shows(ctx: dict[str, Any]) -> int:
    return await duties.mark_no_shows(ctx["pool"], now=_now(ctx), policy=_policy(ctx))


async def send_appointment_reminders(ctx: dict[str, Any]) -> int:
    return await duties.send_reminders(ctx["pool"], now=_now(ctx))


async def fill_waitlist(ctx: dict[str, Any]) -> int:
    return await waitlist.fill_free_seats(ctx["pool"], now=_now(ctx), policy=_policy(ctx))


async def announce_exam_batches(ctx: dict[str, Any]) -> int:
    return await duties.announce_exam_batches(ctx["pool"], now=_now(ctx))
