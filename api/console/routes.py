"""Console sign-in, sign-out and the home page. Pages are thin like the API's routes: parse the
form, call a service, render a template."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from api import clock
from api.auth import devices
from api.auth.guards import requires_staff
from api.auth.routes import login_rate_limit
from api.console import service, session
from api.console.schemas import LoginForm, PasswordChangeForm
from api.deps import AppSettings, Conn

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def page(name: str, request: Request, **context: Any) -> Template:
    """Every page knows who is signed in (for the header and the menu)."""
    return Template(name, context={"me": session.current_user(request), **context})


class AuthPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/login", operation_id="consoleLoginPage", summary="工作台：登录页", name="console_login")
    async def login_page(self, request: Request) -> Template:
        return page("login.html", request)

    # The API's login limit (per client address, in Redis): the same budget whichever door is tried;
    # a browser that signed in to this phone before (the zsb_device cookie) skips it.
    @post("/login", operation_id="consoleLogin", summary="工作台：手机号和密码登录", status_code=200,
          middleware=[devices.TrustedDeviceMiddleware, login_rate_limit.middleware])
    async def login(self, request: Request, conn: Conn, data: Annotated[LoginForm, Form], state: State,
                    settings: AppSettings) -> Response:
        now = clock.now(state)
        account = await service.verify_staff(conn, data.phone, data.password, now=now)
        if account.must_change_password:  # after an admin's reset: no session before the new password
            return _password_form(request, data.phone)
        return _signed_in(request, settings, account, data.phone, now)

    @post("/password", operation_id="consoleStaffPassword", summary="工作台：重置后设置新密码", status_code=200,
          middleware=[devices.TrustedDeviceMiddleware, login_rate_limit.middleware])
    async def set_password(self, request: Request, conn: Conn, data: Annotated[PasswordChangeForm, Form], state: State,
                           settings: AppSettings) -> Response:
        now = clock.now(state)
        account = await service.change_password(conn, data, now=now)
        return _signed_in(request, settings, account, data.phone, now)

    @post("/logout", operation_id="consoleLogout", summary="工作台：退出登录", status_code=303)
    async def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect(f"{session.PREFIX}/login", status_code=303)


def _password_form(request: Request, phone: str) -> Template:
    """The set-new-password form in place of the sign-in form (htmx), or as a page of its own."""
    if request.headers.get("hx-request"):
        return Template("_password_change.html", context={"phone": phone},
                        headers={"HX-Retarget": "#login", "HX-Reswap": "outerHTML"})
    return page("password_change.html", request, phone=phone)


def _signed_in(request: Request, settings: Any, account: service.StaffAccount, phone: str, now: Any) -> Response:
    session.rotate_session(request)
    request.set_session({"uid": account.id, "ver": account.token_version})
    home = f"{session.PREFIX}/"
    # htmx follows HX-Redirect; a plain form post (no script) follows a 303.
    response = ClientRedirect(home) if request.headers.get("hx-request") else Redirect(home, status_code=303)
    response.set_cookie(session.device_cookie(settings, devices.issue(settings.jwt_secret, phone, now)))
    return response


class HomePage(Controller):
    path = "/"
    include_in_schema = False
    guards = [requires_staff]

    @get("/", operation_id="consoleHome", summary="工作台：首页")
    async def home(self, request: Request) -> Template:
        return page("home.html", request)
