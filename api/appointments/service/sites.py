"""Sites and opening schedules as admins edit them. A schedule change shapes the slots generated
from then on; slots already generated (and their bookings) stay as they are. Every change is
recorded with its actor, before and after (settings_audit, migration 0145)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api.auth.schemas import AuthUser
from api.auth.service.staff import act_as
from api.db import load_queries
from api.errors import Conflict, NotFound, Unprocessable

q = load_queries(Path(__file__).parents[1], "sites.sql")


class SiteNotFound(NotFound):
    """没有找到该服务点。"""

    code = "site_not_found"


class ScheduleNotFound(NotFound):
    """没有找到该排班。"""

    code = "schedule_not_found"


class ScheduleInvalid(Unprocessable):
    """排班不正确：结束时间须晚于开始时间，每时段5至480分钟，容量1至10000人。"""

    code = "schedule_invalid"


class ScheduleTaken(Conflict):
    """该事项在此开始时间已有排班。"""

    code = "schedule_taken"


class SiteIn(msgspec.Struct, kw_only=True):
    name: str
    address: str = ""
    phone: str = ""


class ScheduleIn(msgspec.Struct, kw_only=True):
    opens_at: time
    closes_at: time
    slot_minutes: int
    capacity: int

    def check(self) -> None:
        if not (self.closes_at > self.opens_at and 5 <= self.slot_minutes <= 480 and 1 <= self.capacity <= 10000):
            raise ScheduleInvalid()


async def site(conn: Any, site_id: int) -> dict[str, Any]:
    row = await q.get_site(conn, id=site_id)
    if row is None:
        raise SiteNotFound()
    return {**dict(row), "services": [dict(r) async for r in q.site_services(conn, site_id=site_id)],
            "schedules": [dict(r) async for r in q.schedules(conn, site_id=site_id)]}


async def update_site(conn: Any, actor: AuthUser, site_id: int, data: SiteIn) -> None:
    await act_as(conn, actor)
    name = data.name.strip()
    if not 2 <= len(name) <= 100 or len(data.address) > 200 or len(data.phone) > 30:
        raise ScheduleInvalid("服务点名称2至100字，地址不超过200字，电话不超过30字")
    if await q.update_site(conn, id=site_id, name=name, address=data.address.strip(), phone=data.phone.strip()) is None:
        raise SiteNotFound()


async def add_schedule(conn: Any, actor: AuthUser, site_id: int, service_code: str, data: ScheduleIn) -> None:
    data.check()
    await act_as(conn, actor)
    await site(conn, site_id)
    try:
        added = await q.add_schedule(conn, site_id=site_id, service_code=service_code, opens_at=data.opens_at,
                                     closes_at=data.closes_at, slot_minutes=data.slot_minutes, capacity=data.capacity)
    except asyncpg.CheckViolationError:
        raise ScheduleInvalid() from None
    if added is None:
        if service_code not in {s["service_code"] for s in (await site(conn, site_id))["services"]}:
            raise ScheduleInvalid("该服务点不办理此事项", field="serviceCode")
        raise ScheduleTaken()


async def update_schedule(conn: Any, actor: AuthUser, site_id: int, schedule_id: int, data: ScheduleIn) -> None:
    data.check()
    await act_as(conn, actor)
    try:
        done = await q.update_schedule(conn, id=schedule_id, site_id=site_id, opens_at=data.opens_at,
                                       closes_at=data.closes_at, slot_minutes=data.slot_minutes, capacity=data.capacity)
    except asyncpg.UniqueViolationError:
        raise ScheduleTaken() from None
    if done is None:
        raise ScheduleNotFound()


async def delete_schedule(conn: Any, actor: AuthUser, site_id: int, schedule_id: int) -> None:
    await act_as(conn, actor)
    if await q.delete_schedule(conn, id=schedule_id, site_id=site_id) is None:
        raise ScheduleNotFound()
