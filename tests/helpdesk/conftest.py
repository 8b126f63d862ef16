from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.helpdesk import hours
from tests.clock import sh

# Agents are online (F140): tests about other rules must not change with the hour they happen to
# run at. The tests of the hours (test_office_hours.py) turn this off and set their own clock.
# A Wednesday morning, when agents are online: the day the help desk takes up a case in test_callbacks.
WORKING_HOURS = sh("2026-06-10 10:00")


def pin_to_working_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hours, "agents_online", lambda at: True)


@pytest.fixture(autouse=True)
def during_working_hours(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    pin_to_working_hours(monkeypatch)
    yield
