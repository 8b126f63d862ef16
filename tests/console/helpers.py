"""Signing in to the console as a browser does: fetch the login page (CSRF cookie), post the form."""

from __future__ import annotations

from typing import Any

from api.auth import service as auth
from api.console.session import CSRF_COOKIE
from tests.factories import STAFF_PASSWORD, applicant
from tests.helpdesk.helpers import UNSURE


async def account(db: Any, *, phone: str, roles: list[str], steps: list[str] | None = None,
                  name: str = "工作人员") -> int:
    out = await auth.create_staff(db, auth.staff_from_args(phone=phone, password=STAFF_PASSWORD, name=name,
                                                           roles=roles, steps=steps or []))
    return out.id


def csrf(client: Any) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get(CSRF_COOKIE)}


async def sign_in(client: Any, phone: str, password: str = STAFF_PASSWORD) -> Any:
    page = await client.get("/console/login")
    assert page.status_code == 200, page.text
    return await client.post("/console/login", data={"phone": phone, "password": password,
                                                     "_csrf_token": client.cookies.get(CSRF_COOKIE)},
                             headers={"hx-request": "true"})


async def post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    """An htmx POST from a console page (the token travels in the header, as the layout sets it)."""
    return await client.post(path, data=data or {}, headers={**csrf(client), "hx-request": "true"})


async def waiting_question(client: Any, db: Any) -> int:
    """A citizen (孙大伟, with a phone) asks an UNSURE question in the app: the waiting conversation's id."""
    citizen = await applicant(client, "sun")
    await db.execute("UPDATE users SET name = '孙大伟', phone = '13712345678' WHERE id = $1", citizen["user"]["id"])
    res = await client.post("/api/v1/chat/messages", json={"text": UNSURE}, headers=citizen["headers"])
    assert res.status_code == 201, res.text
    return await db.fetchval("SELECT id FROM conversations WHERE status = 'waiting'")
