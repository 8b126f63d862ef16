"""Plain async factories for tests: people and their tokens."""

from __future__ import annotations

from typing import Any

from api.auth import service as auth

STAFF_PASSWORD = "staff-password-2026"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def applicant(client: Any, name: str = "zhang") -> dict[str, Any]:
    """Log in through the sandbox WeChat login; returns the token pair with ``headers``."""
    res = await client.post("/api/v1/auth/wechat", json={"code": f"dev-{name}"})
    assert res.status_code == 200, res.text
    body = res.json()
    body["headers"] = bearer(body["accessToken"])
    return body


async def staff(client: Any, db: Any, *, phone: str, roles: list[str], steps: list[str] | None = None,
                name: str = "工作人员") -> dict[str, Any]:
    """Create a staff account directly in the database, then log in through the API."""
    await auth.create_staff(db, auth.staff_from_args(phone=phone, password=STAFF_PASSWORD, name=name,
                                                     roles=roles, steps=steps or []))
    res = await client.post("/api/v1/auth/staff-login", json={"phone": phone, "password": STAFF_PASSWORD})
    assert res.status_code == 200, res.text
    body = res.json()
    body["headers"] = bearer(body["accessToken"])
    return body
