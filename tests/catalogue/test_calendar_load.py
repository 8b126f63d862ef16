"""Loading a year chinese-calendar does not cover (2027) from the State Council's notice."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest
from tests.logs import captured_events

from api import workdays
from api.catalogue import service as catalogue
from api.catalogue.service import calendar
from api.db import create_pool
from jobs.calendar import check_workday_calendar
from tests.factories import applicant, staff

# Shaped like 国务院办公厅关于2027年部分节假日安排的通知 (春节: 除夕 5 Feb is a Friday).
NOTICE_2027 = {
    "title": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": [
        {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"},
        {"name": "清明节", "from": "2027-04-03", "to": "2027-04-05"},
        {"name": "劳动节", "from": "2027-05-01", "to": "2027-05-05"},
        {"name": "端午节", "from": "2027-06-09", "to": "2027-06-09"},
        {"name": "中秋节", "from": "2027-09-15", "to": "2027-09-15"},
        {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07"},
    ],
    "workdays": ["2027-01-31", "2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"],
}


@pytest.fixture(autouse=True)
def fresh_overrides():
    workdays.set_overrides({})
    calendar._loaded_at = 0.0
    yield
    workdays.set_overrides({})
    calendar._loaded_at = 0.0


async def _admin(client, db):
    return await staff(client, db, phone="13900000077", roles=["admin"], name="管理员")


async def test_a_loaded_2027_calendar_moves_a_deadline_across_the_spring_festival(client, db):
    start = date(2027, 2, 1)  # a Monday before 春节
    assert workdays.add_workdays(start, 20) == date(2027, 3, 1)  # provisional: only Mon–Fri
    admin = await _admin(client, db)
    res = await client.put("/api/v1/admin/workday-notices/2027", json=NOTICE_2027, headers=admin["headers"])
    assert res.status_code == 200, res.text
    assert res.json() == {"year": 2027, "title": NOTICE_2027["title"], "daysOff": 28, "makeUpWorkdays": 6,
                          "workingDays": 261 - 18 + 6}  # 18 of the 28 days off are weekdays
    # a fresh process (another API worker, the job worker) reads the calendar from the database
    workdays.set_overrides({})
    calendar._loaded_at = 0.0
    await catalogue.load_workday_overrides(db, max_age=0)
    assert not workdays.is_provisional(start)
    # 2, 3, 4 Feb; 5–14 off; 15–19; Saturday 20 works (调休); 22–26; 1–5 Mar; 8 Mar is the 20th
    assert workdays.add_workdays(start, 20) == date(2027, 3, 8)
    assert workdays.workdays_between(start, date(2027, 3, 8)) == 20
    assert workdays.is_workday(date(2027, 1, 31))  # a make-up Sunday
    assert not workdays.is_workday(date(2027, 2, 11))  # a Thursday of 春节
    assert not workdays.is_workday(date(2027, 3, 6))  # ordinary weekends stay off
    note = await db.fetchval("SELECT note FROM workday_overrides WHERE day = '2027-02-08'")
    assert note.endswith("春节")
    # loading the same notice again changes nothing
    again = await client.put("/api/v1/admin/workday-notices/2027", json=NOTICE_2027, headers=admin["headers"])
    assert again.json() == res.json()
    assert await db.fetchval("SELECT count(*) FROM workday_overrides WHERE day BETWEEN '2027-01-01' AND '2027-12-31'") == 365


@pytest.mark.parametrize("change, field", [
    (lambda n: n["holidays"].pop(1), "holidays"),  # no 春节
    (lambda n: n["workdays"].append("2027-02-22"), "workdays[6]"),  # a Monday cannot be a make-up day
    (lambda n: n["workdays"].append("2027-02-06"), "workdays[6]"),  # both off and at work
    (lambda n: n["holidays"][1].update({"to": "2027-02-03"}), "holidays[1]"),  # ends before it starts
    (lambda n: n["holidays"][6].update({"from": "2027-10-02"}), "holidays"),  # 1 Oct is a statutory day off
    (lambda n: n["holidays"][2].update({"from": "2028-04-03", "to": "2028-04-05"}), "holidays[2]"),  # wrong year
    (lambda n: n["holidays"][5].update({"from": "2027-10-05", "to": "2027-10-05"}), "holidays[6]"),  # overlap
])
async def test_a_wrong_notice_is_refused_naming_what_is_wrong_and_nothing_is_written(client, db, change, field):
    admin = await _admin(client, db)
    notice = copy.deepcopy(NOTICE_2027)
    change(notice)
    res = await client.put("/api/v1/admin/workday-notices/2027", json=notice, headers=admin["headers"])
    assert res.status_code == 422, res.text
    assert res.json()["code"] == "workday_notice_invalid"
    assert res.json()["field"] == field
    assert await db.fetchval("SELECT count(*) FROM workday_overrides WHERE day >= '2027-01-01'") == 0


async def test_only_an_admin_loads_a_notice_and_not_for_a_year_the_library_ships(client, db):
    citizen = await applicant(client, "li")
    res = await client.put("/api/v1/admin/workday-notices/2027", json=NOTICE_2027, headers=citizen["headers"])
    assert res.status_code == 403
    admin = await _admin(client, db)
    res = await client.put("/api/v1/admin/workday-notices/2026", json=NOTICE_2027, headers=admin["headers"])
    assert res.status_code == 409 and res.json()["code"] == "workday_year_covered"


async def test_readyz_and_the_daily_alert_say_when_the_next_60_days_are_not_covered(client, db, dsn):
    client.app.state.clock = lambda: datetime(2026, 12, 6, 4, tzinfo=timezone.utc)
    body = (await client.get("/readyz")).json()
    assert body["ready"] is True
    assert body["workdayCalendar"] == {"covered": False, "horizonDays": 60, "uncoveredYears": [2027],
                                       "firstUncoveredDay": "2027-01-01"}
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        ctx = {"pool": pool, "clock": lambda: datetime(2026, 12, 6, 1, 5, tzinfo=timezone.utc)}
        with captured_events() as logs:
            assert await check_workday_calendar(ctx) is False
        assert [e for e in logs if e["event"] == "workday_calendar_not_loaded" and e["alert"]][0]["years"] == [2027]
        admin = await _admin(client, db)
        res = await client.put("/api/v1/admin/workday-notices/2027", json=NOTICE_2027, headers=admin["headers"])
        assert res.status_code == 200
        with captured_events() as logs:
            assert await check_workday_calendar(ctx) is True
        assert not [e for e in logs if e["event"] == "workday_calendar_not_loaded"]
    finally:
        await pool.close()
    assert (await client.get("/readyz")).json()["workdayCalendar"]["covered"] is True
    # a date far from any year end: covered by the library alone
    client.app.state.clock = lambda: datetime(2026, 6, 1, tzinfo=timezone.utc)
    assert (await client.get("/readyz")).json()["workdayCalendar"]["uncoveredYears"] == []


def test_the_command_refuses_a_file_that_is_not_a_notice(tmp_path):
    bad = tmp_path / "notice.json"
    bad.write_text(json.dumps({**NOTICE_2027, "holidays": [{"name": "圣诞节", "from": "2027-12-25", "to": "2027-12-25"}]}))
    out = subprocess.run([sys.executable, "-m", "api.cli", "load-workdays", "2027", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "holidays[0].name" in out.stderr
