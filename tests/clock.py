"""The tests' one controllable clock: set on ``app.state.clock`` (or passed as a job's ``clock``),
time moves only when told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.clock import ZONE

SH = ZONE


class Clock:
    """The app's clock (``api.clock``) for a test: it reads ``now`` until told otherwise."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def sh(text: str) -> datetime:
    """'2026-06-08 09:00' in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def use_clock(client_or_app: Any, start: str | datetime) -> Clock:
    """Put a clock at ``start`` (Beijing time when a string) on the app of a test client (or an app)."""
    app = getattr(client_or_app, "app", client_or_app)
    clock = Clock(sh(start) if isinstance(start, str) else start)
    app.state.clock = clock
    return clock
