from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from api.helpdesk import hours

# A Wednesday morning, when agents are online (F140): tests about other rules must not change
# with the hour they happen to run at. Tests of the hours set their own clock.
WORKING_HOURS = datetime(2026, 6, 10, 10, 0, tzinfo=hours.SHANGHAI)


def pin_to_working_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hours, "now", lambda: WORKING_HOURS)


@pytest.fixture(autouse=True)
def during_working_hours(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    pin_to_working_hours(monkeypatch)
    yield
