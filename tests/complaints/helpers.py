"""Helpers for the complaints tests: people and a filed complaint (the clock: tests/clock.py)."""

from __future__ import annotations

from typing import Any

from tests.factories import applicant, staff

API = "/api/v1"


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
