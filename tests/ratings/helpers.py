"""Plain async helpers for the ratings and stats tests: finished cases (the clock: tests/clock.py)."""

from __future__ import annotations

from itertools import count
from typing import Any

from tests.clock import sh

_public_nos = count(1)


async def finished_application(db: Any, user_id: int, *, service_code: str = "freight-operating-permit",
                               submitted: str = "2026-03-02 09:00", decided: str | None = "2026-03-02 10:00",
                               status: str = "approved", is_instant: bool = False) -> int:
    """An application walked through the real state machine (the trigger checks every step):
    draft -> submitted -> accepted -> approved/rejected, with the given times."""
    submitted_at = sh(submitted)
    public_no = f"WZ-{submitted_at:%Y%m%d}-{next(_public_nos):06d}"
    app_id = await db.fetchval(
        "INSERT INTO applications (applicant_id, service_code, is_instant) VALUES ($1, $2, $3) RETURNING id",
        user_id, service_code, is_instant)
    await db.execute("UPDATE applications SET status = 'submitted', public_no = $2, submitted_at = $3 WHERE id = $1",
                     app_id, public_no, submitted_at)
    if status in ("accepted", "approved", "rejected"):
        await db.execute("UPDATE applications SET status = 'accepted', accepted_at = $2 WHERE id = $1",
                         app_id, submitted_at)
    if status in ("approved", "rejected"):
        await db.execute("UPDATE applications SET status = $2, decided_at = $3 WHERE id = $1",
                         app_id, status, sh(decided or submitted))
    return app_id
