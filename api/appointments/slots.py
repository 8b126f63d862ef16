"""Sites, schedules and slots: what can be booked, materialised from opening schedules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import structlog

from api.appointments import booking
from api.appointments.booking import DEFAULT_POLICY, Policy
from api.appointments.calendar import change_deadline, horizon_end, horizon_opens, is_workday
from api.appointments.schemas import GenerateIn, GenerateOut, SiteOut, SlotOut
from api.catalogue import service as catalogue
from api.clock import at, local_day, system_now
from api.db import rows
from api.errors import BadRequest, NotFound

q = booking.q
log = structlog.get_logger("zsb.appointments")


class SiteNotFound(NotFound):
    """没有找到该办事网点。"""

    code = "site_not_found"


class NoSchedule(BadRequest):
    """该网点没有这个事项的预约排班。"""

    code = "no_schedule"


class SlotQueryTooBroad(BadRequest):
    """请至少指定事项编码或办事网点。"""

    code = "slot_query_too_broad"


async def list_sites(conn: Any) -> list[SiteOut]:
    return [SiteOut(id=r["id"], code=r["code"], name=r["name"], kind=r["kind"], address=r["address"],
                    phone=r["phone"], services=list(r["services"])) for r in await rows(q.list_sites(conn))]


async def list_slots(conn: Any, *, now: datetime, service_code: str | None, site_id: int | None,
                     day: date | None, policy: Policy = DEFAULT_POLICY) -> list[SlotOut]:
    """Released slots not yet closed. One beyond the online booking horizon (F113) is listed with
    ``bookable: false`` and the day it opens — the same rule ``book_seat`` applies, so a caller
    who books only bookable slots never meets ``booking_closed`` for the horizon."""
    if service_code is None and site_id is None:
        raise SlotQueryTooBroad()
    found = await rows(q.list_slots(conn, service_code=service_code, site_id=site_id, day=day, now=now))
    last = horizon_end(local_day(now), policy.horizon_workdays)
    out = []
    for r in found:
        fields = {k: v for k, v in dict(r).items() if k != "horizon_limited"}
        if r["horizon_limited"] and r["day"] > last:
            fields.update(bookable=False, opens_on=horizon_opens(r["day"], policy.horizon_workdays))
        out.append(SlotOut(**fields))
    return out


async def generate(conn: Any, data: GenerateIn) -> GenerateOut:
    """Materialise slots from the site's schedules for every working day in the range (make-up
    working weekends included, holidays skipped). Running it again adds nothing."""
    if not await q.site_exists(conn, site_id=data.site_id):
        raise SiteNotFound()
    schedules = await rows(q.site_schedules(conn, site_id=data.site_id, service_code=data.service_code))
    if not schedules:
        raise NoSchedule()
    created, days = 0, []
    day = data.date_from
    while day <= data.date_to:
        if is_workday(day):
            days.append(day)
            for sc in schedules:
                created += await _generate_day(conn, sc, day, data)
        day += timedelta(days=1)
    if data.release_at is not None:
        for code in {sc["service_code"] for sc in schedules if sc["kind"] == "exam"}:
            await q.upsert_exam_batch(conn, service_code=code, release_at=data.release_at)
    return GenerateOut(created=created, days=days)


async def _generate_day(conn: Any, sc: Any, day: date, data: GenerateIn) -> int:
    created = 0
    start = at(day, sc["opens_at"])
    close = at(day, sc["closes_at"])
    step = timedelta(minutes=sc["slot_minutes"])
    while start + step <= close:
        change_until = change_deadline(start, sc["change_cutoff"])
        # a booking is accepted while it could still be changed; walk-in windows until the start
        book_until = start if sc["change_cutoff"] == "one_hour" else change_until
        slot_id = await q.insert_slot(
            conn, site_id=sc["site_id"], service_code=sc["service_code"], kind=sc["kind"], day=day,
            starts_at=start, ends_at=start + step, capacity=data.capacity or sc["capacity"],
            release_at=data.release_at if sc["kind"] == "exam" else None, book_until=book_until,
            change_until=change_until, max_reschedules=sc["max_reschedules"], horizon_limited=sc["horizon_limited"],
        )
        created += slot_id is not None
        start += step
    return created


# The demo sites (seeded; admins edit them later). What each service books there, its change
# rules and opening hours, is the catalogue's (``visits`` and ``schedules`` of services.json).
SITES: list[dict[str, Any]] = [
    {"code": "city-service-centre", "name": "市行政服务中心交通运输窗口", "kind": "window",
     "address": "市民中心B区2楼交通运输综合窗口", "phone": "0577-88960000"},
    {"code": "vehicle-inspection-station", "name": "市机动车综合性能检测站运管窗口", "kind": "inspection_station",
     "address": "经济开发区滨海大道1088号", "phone": "0577-88960100"},
    {"code": "transport-school-exam-centre", "name": "市交通技校考试中心", "kind": "exam_centre",
     "address": "市交通技工学校实训楼3楼", "phone": "0577-88960200"},
]


async def seed_sites(conn: Any, settings: Any, *, today: date | None = None) -> None:
    """Idempotent: the sites, then each service's bookable visits and schedules as the catalogue
    says (after the catalogue's seeder); in dev also the slots of the next 10 days so the demo can
    be booked at once (tests and production generate their own)."""
    site_ids = {}
    for site in SITES:
        site_ids[site["code"]] = await q.upsert_site(conn, code=site["code"], name=site["name"], kind=site["kind"],
                                                     address=site["address"], phone=site["phone"])
    for spec in await catalogue.all_specs(conn):
        visits = {v.kind: v for v in spec.visits}
        for schedule in spec.schedules:
            site_id, visit = site_ids.get(schedule.site), visits[schedule.visit]
            if site_id is None:
                log.warning("schedule_site_unknown", service_code=spec.code, site=schedule.site)
                continue
            await q.upsert_site_service(conn, site_id=site_id, service_code=spec.code, kind=visit.kind,
                                        change_cutoff=visit.change_cutoff, max_reschedules=visit.max_reschedules,
                                        horizon_limited=visit.horizon_limited)
            for hours in schedule.hours:
                await q.upsert_schedule(conn, site_id=site_id, service_code=spec.code,
                                        opens_at=time.fromisoformat(hours.opens),
                                        closes_at=time.fromisoformat(hours.closes), slot_minutes=hours.slot_minutes,
                                        capacity=hours.capacity)
    for site_id in site_ids.values():
        if settings.env == "dev":
            start = today or local_day(system_now())
            await generate(conn, GenerateIn(site_id=site_id, date_from=start, date_to=start + timedelta(days=10)))
