"""Helpers for the complaints tests: a controllable clock, people and a filed complaint."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.factories import applicant, staff

SH = ZoneInfo("Asia/Shanghai")
API = "/api/v1"


class Clock:
    """Set on ``app.state.complaint_clock`` and in a job's ctx: time moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def use_clock(client: Any, start: str) -> Clock:
    clock = Clock(sh(start))
    client.app.state.complaint_clock = clock
    return clock


async def handler(client: Any, db: Any, phone: str = "13900001001", roles: list[str] | None = None,
                  name: str = "投诉处理员") -> dict[str, Any]:
    return await staff(client, db, phone=phone, roles=roles or ["admin"], name=name)


async def file(client: Any, who: dict[str, Any], **body: Any) -> dict[str, Any]:
    payload = {"category": "complaint", "targetType": "window", "text": "窗口工作人员态度生硬，让我跑了两趟。"}
    payload.update(body)
    res = await client.post(f"{API}/complaints", json=payload, headers=who["headers"])
    assert res.status_code == 201, res.text
    return res.json()


async def citizen(client: Any, name: str) -> dict[str, Any]:
    return await applicant(client, name)
