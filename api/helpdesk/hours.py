"""When people answer the help desk (F140): working days 8:30–12:00 and 13:30–17:00, Beijing time.

The machine answers around the clock; outside these hours a conversation handed to a person
still waits in the queue, and the user is told when agents are next online.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from api import workdays
from api.clock import ZONE

# F140: 人工客服在线时间为工作日8:30—12:00、13:30—17:00 (start inclusive, end exclusive).
SHIFTS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 0)))
_WEEKDAYS = "一二三四五六日"


def agents_online(at: datetime) -> bool:
    local = at.astimezone(ZONE)
    return workdays.is_workday(local.date()) and any(a <= local.time() < b for a, b in SHIFTS)


def next_opening(at: datetime) -> datetime:
    """The next moment agents come online at or after ``at`` (``at`` itself when they are online)."""
    local = at.astimezone(ZONE)
    day = local.date()
    if workdays.is_workday(day):
        for start, end in SHIFTS:
            if local.time() < end:
                return max(local, datetime.combine(day, start, ZONE))
    day += timedelta(days=1)
    while not workdays.is_workday(day):  # weekends, holidays; make-up working weekends count
        day += timedelta(days=1)
    return datetime.combine(day, SHIFTS[0][0], ZONE)


def _day_words(day: date, today: date) -> str:
    label = f"{day.month}月{day.day}日（周{_WEEKDAYS[day.weekday()]}）"
    if day == today:
        return f"今天{label}"
    if day == today + timedelta(days=1):
        return f"明天{label}"
    return label


def offline_notice(at: datetime) -> str:
    """What the user reads when a person is asked for outside the hours."""
    local = at.astimezone(ZONE)
    opening = next_opening(local)
    when = f"{_day_words(opening.date(), local.date())}{opening.hour}:{opening.minute:02d}"
    return ("人工客服在线时间为工作日8:30—12:00、13:30—17:00，现在不在服务时间。"
            f"您的留言已记录并排队等候，人工客服将于{when}起按顺序回复。"
            "如有急事，可拨打交通运输服务监督热线12328。")
