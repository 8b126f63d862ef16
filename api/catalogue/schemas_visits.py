"""The visits of a service that are booked at a site (appointments): what the visit is called in
messages, its change rules and its opening hours at each site. The seeder makes the sites'
bookable services and schedules from them (``api.appointments.slots.seed_sites``)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from api.types import Schema

# What is booked: a window visit, an on-site check (车辆/场地核查) or an exam session.
VisitKind = Literal["window", "inspection", "exam"]
# 'one_hour': changed until 1 hour before the start (F114, F115); 'prev_workday_17': until 17:00 of
# the working day before (on-site checks F075, exams F120)
ChangeCutoff = Literal["one_hour", "prev_workday_17"]
SiteCode = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$")]
ClockTime = Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class VisitSpec(Schema, forbid_unknown_fields=True):
    kind: VisitKind
    # the visit's name in messages (预约成功, reminders, exam invitations): 巡游出租汽车驾驶员从业资格考试
    name: Annotated[str, Meta(min_length=2, max_length=100)]
    change_cutoff: ChangeCutoff = "one_hour"
    max_reschedules: Annotated[int, Meta(ge=0, le=10)] = 2
    # true: only the next 7 working days can be booked (F113, F075); exam sessions open in batches
    horizon_limited: bool = True


class OpeningHours(Schema, forbid_unknown_fields=True):
    """On every working day, slots of ``slot_minutes`` from ``opens`` to ``closes``."""

    opens: ClockTime
    closes: ClockTime
    slot_minutes: Annotated[int, Meta(ge=5, le=480)]
    capacity: Annotated[int, Meta(ge=1, le=10000)]

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("a schedule closes after it opens")


class ScheduleSpec(Schema, forbid_unknown_fields=True):
    """Where and when a visit of the service is booked (a site code of ``appt_sites``)."""

    visit: VisitKind
    site: SiteCode
    hours: Annotated[list[OpeningHours], Meta(min_length=1)]


def check_visits(visits: list[VisitSpec], schedules: list[ScheduleSpec]) -> None:
    """One visit of a kind; every schedule for a visit the service has, one per site."""
    kinds = [v.kind for v in visits]
    if len(kinds) != len(set(kinds)):
        raise ValueError(f"duplicate visits: {kinds}")
    for schedule in schedules:
        if schedule.visit not in kinds:
            raise ValueError(f"a schedule for a visit the service does not have: {schedule.visit}")
        opens = [h.opens for h in schedule.hours]
        if len(opens) != len(set(opens)):
            raise ValueError(f"duplicate opening times at {schedule.site}: {opens}")
    sites = [s.site for s in schedules]
    if len(sites) != len(set(sites)):
        raise ValueError(f"a service is booked at a site once: {sites}")
