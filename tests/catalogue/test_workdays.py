from __future__ import annotations

from datetime import date

import pytest

from api import workdays


@pytest.fixture(autouse=True)
def no_overrides():
    workdays.set_overrides({})
    yield
    workdays.set_overrides({})


def test_the_national_day_week_is_skipped_and_the_make_up_saturday_counts():
    assert not workdays.is_workday(date(2026, 10, 1))
    assert workdays.is_workday(date(2026, 10, 10))  # 调休: a Saturday that is a working day
    assert not workdays.is_workday(date(2026, 10, 11))


def test_add_workdays_counts_from_the_next_day_and_between_inverts_it():
    start = date(2026, 9, 30)
    end = workdays.add_workdays(start, 3)
    assert end == date(2026, 10, 10)  # 1-7 Oct holiday: Thu 8, Fri 9, Sat 10 (make-up working day)
    assert workdays.workdays_between(start, end) == 3
    assert workdays.add_workdays(start, 0) == start


def test_an_uncovered_year_uses_the_documented_rule_and_says_so_loudly(capsys):
    assert workdays.is_provisional(date(2027, 3, 1))
    assert not workdays.is_workday(date(2027, 1, 1))  # fixed-date statutory holiday
    assert not workdays.is_workday(date(2027, 10, 2))
    assert workdays.is_workday(date(2027, 1, 4))  # a Monday
    assert not workdays.is_workday(date(2027, 1, 9))  # a Saturday


def test_admin_overrides_decide_an_uncovered_year():
    workdays.set_overrides({date(2027, 2, 8): False, date(2027, 2, 6): True})
    assert not workdays.is_provisional(date(2027, 2, 8))
    assert not workdays.is_workday(date(2027, 2, 8))  # Spring Festival, entered by an admin
    assert workdays.is_workday(date(2027, 2, 6))  # a make-up Saturday
