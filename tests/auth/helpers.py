"""Signing in the ways an attacker of issue 17 did: an SMS code read where it waits, a spoofed address."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

# The clock the lockout and password-reset tests start at: Monday 2026-12-07, 09:00 in Shanghai.
START = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


async def sms_code(client: Any, db: Any, phone: str, *, ip: str = "203.0.113.7") -> str:
    """Ask a login code for ``phone`` and read it from its outbox row (it waits there until sent)."""
    res = await client.post("/api/v1/auth/sms-code", json={"phone": phone}, headers={"X-Forwarded-For": ip})
    assert res.status_code == 200, res.text
    return await db.fetchval("SELECT params->>'code' FROM notifications WHERE phone = $1 AND event = 'login_code' "
                             "ORDER BY id DESC LIMIT 1", phone)


async def sms_login(client: Any, db: Any, phone: str) -> Any:
    code = await sms_code(client, db, phone)
    return await client.post("/api/v1/auth/sms-login", json={"phone": phone, "code": code})
