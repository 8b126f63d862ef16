"""The console's own edge: a server-side session, CSRF, the signed-in staff member, security headers.

The JSON API identifies callers by bearer tokens and needs no CSRF; the console is a browser
application, so it gets a cookie session and CSRF tokens, and these apply to ``/console`` only
(they are middleware of the console router, not of the app).
"""

from __future__ import annotations

import hashlib
import hmac
from secrets import compare_digest
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from api.auth import devices
from api.auth.schemas import AuthUser
from api.console import service
from api.settings import Settings

PREFIX = "/console"
SESSION_COOKIE = "zsb_console"
CSRF_COOKIE = "zsb_csrf"
CSRF_HEADER = "x-csrftoken"
SESSION_HOURS = 12  # one working day and a late shift; then sign in again
_ROTATE = "zsb_rotate_session"

# Only our own files: htmx is vendored under /console/static, no CDN, no inline script or style
# (htmx's indicator styles are switched off in the page's htmx-config for that reason).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    # Pages show applicants' data: a shared phone's back button or cache must not keep them.
    b"cache-control": b"no-store",
}


class _RotatingBackend(ServerSideSessionBackend):
    """Server-side sessions whose id changes at sign-in (no session fixation).

    Litestar reuses the id from the incoming cookie; a cookie planted before sign-in would then
    name the signed-in session. ``rotate_session`` marks the request so a fresh id is used.
    """

    def get_session_id(self, connection: ASGIConnection) -> str:
        if connection.scope.get(_ROTATE):
            fresh = connection.scope.get("zsb_fresh_session_id")
            if fresh is None:
                fresh = connection.scope["zsb_fresh_session_id"] = self.generate_session_id()  # type: ignore[typeddict-unknown-key]
            return fresh
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session: Any, message: Message, connection: ASGIConnection) -> None:
        incoming = connection.cookies.get(self.config.key)
        if not scope_session:
            # Litestar would store an empty session (a Redis key and a cookie) for every anonymous
            # page and static file; keep nothing, and clear a cookie that is still around.
            if incoming in (None, "null"):
                return
            scope_session = Empty
        elif connection.scope.get(_ROTATE) and incoming not in (None, "null"):
            await self.delete(incoming, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


class _SessionConfig(ServerSideSessionConfig):
    _backend_class = _RotatingBackend  # type: ignore[assignment]


def device_cookie(settings: Settings, token: str) -> Cookie:
    """The trusted-device token (api/auth/devices.py): sign-ins of the same phone from this browser
    skip the per-address limit. Only the sign-in form reads it."""
    return Cookie(key=devices.COOKIE, value=token, path=f"{PREFIX}/login",
                  max_age=int(devices.LIFETIME.total_seconds()), httponly=True, samesite="lax",
                  secure=settings.env not in ("dev", "test"))


def rotate_session(connection: ASGIConnection) -> None:
    connection.scope[_ROTATE] = True  # type: ignore[typeddict-unknown-key]


def session_config(settings: Settings) -> ServerSideSessionConfig:
    return _SessionConfig(
        key=SESSION_COOKIE, store="console_sessions", path=PREFIX, max_age=SESSION_HOURS * 3600,
        httponly=True, samesite="lax", secure=settings.env not in ("dev", "test"), renew_on_access=True,
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    # Its own key, derived from the JWT secret so every API process agrees without a new setting.
    secret = hmac.new(settings.jwt_secret.encode(), b"zsb-console-csrf", hashlib.sha256).hexdigest()
    return CSRFConfig(secret=secret, cookie_name=CSRF_COOKIE, header_name=CSRF_HEADER, cookie_path=PREFIX,
                      cookie_secure=settings.env not in ("dev", "test"), cookie_samesite="lax",
                      cookie_httponly=False)


class SessionCsrfMiddleware:
    """Binds the CSRF token to the signed-in session.

    Litestar's CSRF check is a double submit: the form or header must repeat the cookie. A token
    from anyone's visit (an attacker's own) passes with any session if the attacker can plant the
    cookie (a sibling subdomain, plain http). So a signed-in session keeps the one token issued
    for it (``session["csrf"]``, fresh at sign-in, never one that came with the request), every
    unsafe request of that session must carry exactly it, and a page of that session always
    renders and sets it, whatever cookie arrived. Anonymous requests (the login form) keep the
    double submit; the session is rotated at sign-in and gets its own token then.
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.app = app
        self.config = config

    def _cookie_header(self, token: str) -> str:
        c = self.config
        return Cookie(key=c.cookie_name, value=token, path=c.cookie_path, secure=c.cookie_secure,
                      httponly=c.cookie_httponly, samesite=c.cookie_samesite,
                      domain=c.cookie_domain).to_header(header="")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(f"{PREFIX}/static/"):
            await self.app(scope, receive, send)
            return
        session = scope.get("session")
        state = ScopeState.from_scope(scope)
        reissue: str | None = None
        if isinstance(session, dict) and "uid" in session:
            bound = session.get("csrf")
            if scope["method"] not in self.config.safe_methods:
                # Litestar has checked that the submitted token repeats the cookie; it must also be ours.
                submitted = state.csrf_token
                if not (isinstance(bound, str) and isinstance(submitted, str) and compare_digest(submitted, bound)):
                    raise PermissionDeniedException("CSRF token verification failed")
            else:
                cookie = ASGIConnection(scope).cookies.get(self.config.cookie_name)
                if cookie is None and isinstance(state.csrf_token, str):
                    # Litestar mints a fresh token for this answer and sets it: the session takes it.
                    session["csrf"] = state.csrf_token
                elif not (isinstance(bound, str) and cookie is not None and compare_digest(cookie, bound)):
                    session["csrf"] = reissue = bound if isinstance(bound, str) else generate_csrf_token(
                        self.config.secret)
                    state.csrf_token = reissue  # what csrf_token() renders into the page

        async def send_bound(message: Message) -> None:
            nonlocal reissue
            if message["type"] == "http.response.start":
                after = scope.get("session")
                # just signed in (the session was rotated): a token of its own, never the one it came with
                if isinstance(after, dict) and "uid" in after and "csrf" not in after:
                    after["csrf"] = reissue = generate_csrf_token(self.config.secret)
                if reissue is not None:
                    MutableScopeHeaders.from_message(message).add("set-cookie", self._cookie_header(reissue))
            await send(message)

        await self.app(scope, receive, send_bound)


class StaffMiddleware:
    """Puts the signed-in person into ``scope["user"]`` so the API's own guards apply unchanged.

    The account is re-read on every request: a disabled account, a removed role or a new password
    (the session keeps the account's token version) takes effect at once, not when it expires.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Static files need no account: skip the read for them.
        if scope["type"] in ("http", "websocket") and not scope["path"].startswith(f"{PREFIX}/static/"):
            stored = scope.get("session") or {}
            user_id = stored.get("uid")
            user = None
            if isinstance(user_id, int):
                user = await service.session_user(scope["litestar_app"].state.pool, user_id, stored.get("ver"))
            if user is None:
                scope.pop("user", None)  # type: ignore[misc]
            else:
                scope["user"] = user
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name.decode()] = value.decode()
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware(settings: Settings) -> list[Any]:
    """Outermost first: headers on every answer (errors too), then session, CSRF (the double
    submit, then its binding to the session), the user."""
    csrf = csrf_config(settings)
    return [
        SecurityHeadersMiddleware,
        session_config(settings).middleware,
        DefineMiddleware(CSRFMiddleware, config=csrf),
        DefineMiddleware(SessionCsrfMiddleware, config=csrf),
        StaffMiddleware,
    ]


def current_user(connection: ASGIConnection) -> AuthUser | None:
    return connection.scope.get("user")  # type: ignore[return-value]
