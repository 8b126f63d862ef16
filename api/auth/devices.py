"""Trusted devices: a per-address limit must not shut a staff member out (issue 17, item 4).

The staff password doors (``POST /auth/staff-login`` and the console's sign-in) are limited per
client address, which slows guessing from one address. But anyone sharing the staff member's
address (an office or hall network behind one NAT, or whoever can pass for it) could use that
budget up and keep the real person out. So a successful sign-in hands the device a token for that
phone (the API's ``deviceToken``, the console's ``zsb_device`` cookie), and a sign-in presenting a
valid token for the phone it names skips the address limit (the middleware below marks it,
the limit's ``check_throttle_handler`` reads the mark). The per-account lock
(service/lockout.py) still applies to every try: it is what protects the account.

The token is a keyed hash of the phone and its time of issue (a key derived from the JWT secret):
nothing to store, no phone in it, 90 days.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

LIFETIME = timedelta(days=90)
COOKIE = "zsb_device"
_CLOCK_SKEW = timedelta(minutes=5)
_TRUSTED = "zsb_trusted_device"


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"zsb-staff-device", hashlib.sha256).digest()


def _sign(secret: str, phone: str, issued: int) -> str:
    return hmac.new(_key(secret), f"{phone}:{issued}".encode(), hashlib.sha256).hexdigest()[:40]


def issue(secret: str, phone: str, now: datetime) -> str:
    issued = int(now.timestamp())
    return f"{issued}.{_sign(secret, phone, issued)}"


def valid(secret: str, phone: str, token: str | None, now: datetime) -> bool:
    issued_text, _, signature = (token or "").partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12 or not signature:
        return False
    issued = datetime.fromtimestamp(int(issued_text), timezone.utc)
    if not now - LIFETIME <= issued <= now + _CLOCK_SKEW:
        return False
    return hmac.compare_digest(signature, _sign(secret, phone, int(issued_text)))


async def _trusted(request: Request[Any, Any, Any]) -> bool:
    if request.method != "POST":
        return False
    if request.url.path.startswith("/console"):
        form = await request.form()
        phone, token = form.get("phone"), request.cookies.get(COOKIE)
    else:
        try:
            body = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            return False
        phone, token = (body.get("phone"), body.get("deviceToken")) if isinstance(body, dict) else (None, None)
    if not isinstance(phone, str) or not isinstance(token, str):
        return False
    return valid(request.app.state.settings.jwt_secret, phone, token, datetime.now(timezone.utc))


class TrustedDeviceMiddleware:
    """Before the sign-in doors' address limit: reads the phone and device token (Litestar keeps the
    body it read in the scope, so the route reads it again) and marks a trusted device."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[_TRUSTED] = await _trusted(Request(scope, receive))  # type: ignore[literal-required]
        await self.app(scope, receive, send)


def address_limit_applies(request: Request[Any, Any, Any]) -> bool:
    """The address limit's ``check_throttle_handler``: not for a trusted device."""
    return not request.scope.get(_TRUSTED, False)
