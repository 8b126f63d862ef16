"""Appointment jobs: no-shows, reminders, the waitlist sweep and exam batches opening.

Each reads the job's clock (``ctx["clock"]`` when a test puts one there), and re-reads
the rows it acts on, so running twice does nothing more."""

from __future__ import annotations

from typing import Any

from api import clock
from api.appointments import duties, waitlist
from api.appointments.service import DEFAULT_POLICY


def _policy(ctx: dict[str, Any]) -> Any:
    return ctx.get("appointment_policy") or DEFAULT_POLICY


async def mark_appointment_no_shows(ctx: dict[str, Any]) -> int:
    return await duties.mark_no_shows(ctx["pool"], now=clock.now(ctx), policy=_policy(ctx))


async def send_appointment_reminders(ctx: dict[str, Any]) -> int:
    return await duties.send_reminders(ctx["pool"], now=clock.now(ctx))


async def fill_waitlist(ctx: dict[str, Any]) -> int:
    return await waitlist.fill_free_seats(ctx["pool"], now=clock.now(ctx), policy=_policy(ctx))


async def announce_exam_batches(ctx: dict[str, Any]) -> int:
    return await duties.announce_exam_batches(ctx["pool"], now=clock.now(ctx))
