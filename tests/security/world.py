"""A small populated world for the attacking tests: two applicants, staff in every role, and one of
each thing applicant A owns (a case with a file, a booking, a conversation, a rating, a complaint)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.appointments.helpers import admin as appointment_admin
from tests.appointments.helpers import book, generate, slot_at
from tests.factories import applicant, staff
from tests.ratings.helpers import finished_application
from tests.samples import JPG
from tests.clock import use_clock

API = "/api/v1"
# A real resident ID and phone (checksums valid), so leaks of them can be searched for.
RESIDENT_ID = "11010519491231002X"
PHONE = "13812345678"
TAXI_FORM = {"applicantName": "张三", "idNumber": RESIDENT_ID, "mobile": PHONE,
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


@dataclass
class World:
    roles: dict[str, dict[str, str]]  # role name -> request headers ({} for anonymous)
    ids: dict[str, Any] = field(default_factory=dict)  # what A owns, by kind
    users: dict[str, int] = field(default_factory=dict)


async def build(client: Any, db: Any) -> World:
    use_clock(client, "2026-06-05 10:00")
    a = await applicant(client, "alice")
    b = await applicant(client, "bob")
    boss = await appointment_admin(client, db)
    approver = await staff(client, db, phone="13900007001", roles=["approver"], steps=["no-such-step"],
                           name="其他环节审批员")
    helpdesk = await staff(client, db, phone="13900007002", roles=["helpdesk"], name="客服")
    world = World(roles={"anonymous": {}, "applicant_a": a["headers"], "applicant_b": b["headers"],
                         "approver_other_step": approver["headers"], "helpdesk": helpdesk["headers"],
                         "admin": boss["headers"]},
                  users={"a": a["user"]["id"], "b": b["user"]["id"]})

    created = await client.post(f"{API}/applications", headers=a["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    up = await client.put(f"{API}/applications/{app_id}/materials/photo", headers=a["headers"],
                          files={"file": ("me.jpg", JPG, "image/jpeg")})
    assert up.status_code == 200, up.text
    world.ids.update(application=app_id, material="photo")

    await generate(client, boss["headers"], site="city-service-centre", service="freight-operating-permit",
                   day_from="2026-06-08", capacity=5)
    slot = await slot_at(client, boss["headers"], "freight-operating-permit", "2026-06-08 09:00")
    booked = await book(client, {"headers": a["headers"]}, slot["id"])
    assert booked.status_code == 201, booked.text
    world.ids.update(appointment=booked.json()["id"], slot=slot["id"])

    # Written directly: the chat route would first build the FAQ matcher (a minute on a busy box).
    world.ids["conversation"] = await db.fetchval(
        "INSERT INTO conversations (user_id, channel, status) VALUES ($1, 'app', 'waiting') RETURNING id",
        world.users["a"])
    await db.execute("INSERT INTO chat_messages (conversation_id, sender, text) VALUES ($1, 'user', $2)",
                     world.ids["conversation"], f"我的手机号是{PHONE}，驾驶证丢了怎么补办？")

    done = await finished_application(db, world.users["a"])
    rated = await client.post(f"{API}/ratings", headers=a["headers"],
                              json={"targetType": "application", "targetId": done, "level": 1, "comment": "太慢"})
    assert rated.status_code == 201, rated.text
    world.ids.update(rating=rated.json()["id"], finished_application=done)

    filed = await client.post(f"{API}/complaints", headers=a["headers"], json={
        "category": "complaint", "targetType": "window", "text": "窗口工作人员态度生硬，让我跑了两趟。"})
    assert filed.status_code == 201, filed.text
    world.ids["complaint"] = filed.json()["id"]
    return world
