"""``zsb seed``: the data the product ships (catalogue, FAQ, ...) and, outside production,
demo staff accounts. Every seeder is idempotent: running it again changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from api.appointments.slots import seed_sites
from api.auth import service as auth
from api.catalogue.service import seed_catalogue
from api.disclosure.service import seed_disclosure
from api.faq.seed import seed_faq
from api.settings import Settings
from api.stats.service import seed_workday_calendar

Seeder = Callable[[Any, Settings], Awaitable[None]]

# (phone, password, name, roles, steps) — printed by `zsb dev`; never created in production.
DEMO_STAFF = [
    ("13900000001", "demo-admin-2026", "系统管理员", ["admin", "lead"], []),
    ("13900000002", "demo-approver-2026", "受理员 王芳", ["approver"], ["accept"]),
    ("13900000003", "demo-approver-2026", "审核员 李强", ["approver"], ["review"]),
    ("13900000004", "demo-approver-2026", "决定人 赵敏", ["approver", "lead"], ["decide"]),
    ("13900000005", "demo-helpdesk-2026", "导航员 陈静", ["helpdesk"], []),
]


async def seed_demo_staff(conn: Any, settings: Settings) -> None:
    if settings.env == "production":
        return
    for phone, password, name, roles, steps in DEMO_STAFF:
        await auth.create_staff(conn, auth.staff_from_args(phone=phone, password=password, name=name,
                                                           roles=roles, steps=steps))


SEEDERS: list[Seeder] = [
    seed_demo_staff,
    seed_faq,
    seed_faq,
    seed_catalogue,
    seed_sites,  # after the catalogue: its services' visits and schedules
    seed_disclosure,  # after the catalogue: it marks the services it has loaded
    seed_workday_calendar,
]


async def seed(conn: Any, settings: Settings) -> None:
    for seeder in SEEDERS:
        await seeder(conn, settings)
