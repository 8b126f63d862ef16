"""How the console plugs into the app: its router (with its own middleware and error pages),
the Jinja template config, and the htmx plugin. ``api/app.py`` only calls these."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from api.applications.states import STATUS_LABELS
from api.clock import ZONE
from api.console import session
from api.console.routes import AuthPages, HomePage
from api.console.routes_admin import RatingPages, SlotPages, StatsPages
from api.console.routes_approver import ApproverPages
from api.console.routes_callbacks import CallbackPages, ConversationTools
from api.console.routes_catalogue import CalendarPages, CataloguePages, SmsChannelPages
from api.console.routes_complaints import ComplaintPages
from api.console.routes_faq import FaqPages
from api.console.routes_fulfilment import CheckInPages, DeliveryPages, ExamInvitationPages, ExamPages
from api.console.routes_documents import DocumentPrintPages
from api.console.routes_helpdesk import HelpdeskPages, helpdesk_live
from api.console.routes_rights import RereviewPages, UrgingPages
from api.console.routes_site_checks import SiteCheckPages
from api.console.routes_identity import IdentityDocumentPages, IdentityWindowPages
from api.console.routes_sites import SettingsAuditPages, SitePages
from api.console.routes_staff import CaseViewPages, StaffPages
from api.errors import DomainError
from api.routing import under
from api.settings import Settings

HERE = Path(__file__).parent


def _local(value: Any, fmt: str = "%m-%d %H:%M") -> str:
    """Times as people in the bureau read them: Beijing time, short."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(ZONE).strftime(fmt)
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _engine_callback(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(local=_local, percent=_percent)
    # one wording of a case's status everywhere (the timeline, the queue): the state machine's own
    engine.engine.globals["status_labels"] = STATUS_LABELS


def template_config() -> TemplateConfig:
    return TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine,
                          engine_callback=_engine_callback)


def htmx_plugin() -> HTMXPlugin:
    return HTMXPlugin()


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _page(request: Request, status: int, title: str, detail: str | None = None,
          headers: dict[str, str] | None = None) -> Response:
    """An error as people see it: a fragment in the page's message area for htmx requests
    (htmx is configured to swap 4xx answers), a full page otherwise. Status codes stay true."""
    context = {"status": status, "title": title, "detail": detail, "me": session.current_user(request)}
    if _wants_fragment(request):
        return Template("_error.html", context=context, status_code=status,
                        headers={**(headers or {}), "HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return Template("error.html", context=context, status_code=status, headers=headers)


def _login_redirect(request: Request, _: Exception) -> Response:
    if _wants_fragment(request):
        return Response(content=None, status_code=401, headers={"HX-Redirect": f"{session.PREFIX}/login"})
    return Redirect(f"{session.PREFIX}/login", status_code=303)


def _domain_error(request: Request, exc: DomainError) -> Response:
    return _page(request, exc.status, exc.title, exc.detail)


def _validation_error(request: Request, exc: ValidationException) -> Response:
    errors = exc.extra if isinstance(exc.extra, list) else []
    detail = "；".join(str(e.get("message")) for e in errors if isinstance(e, dict)) or None
    return _page(request, 400, "提交的内容格式不正确。", detail)


_TITLES = {403: "没有权限打开此页面。", 404: "没有找到该页面。", 405: "不支持该操作。",
           429: "登录尝试过于频繁，请稍后再试。"}


def _http_error(request: Request, exc: HTTPException) -> Response:
    title = _TITLES.get(exc.status_code, "请求未能完成。")
    if exc.status_code == 403 and "CSRF" in str(exc.detail):
        title = "页面已过期，请刷新后重试。"
    if exc.status_code == 429:  # the login limit: say when to try again, in words and in Retry-After
        wait = max(1, int((exc.headers or {}).get("RateLimit-Reset", "60")))
        return _page(request, 429, title, f"为保护账号安全，请在 {wait} 秒后再试。", headers={"Retry-After": str(wait)})
    return _page(request, exc.status_code, title)


def routes(settings: Settings) -> list[Any]:
    """The console's controllers under /console with its own layer (api/routing.under: no Router
    to deep-copy per app; the static files and the websocket keep a small one)."""
    static = create_static_files_router(path="/static", directories=[HERE / "static"], name="console_static",
                                        include_in_schema=False, cache_control=None)
    return under(
        session.PREFIX,
        route_handlers=[AuthPages, HomePage, ApproverPages, ExamInvitationPages, ExamPages, DeliveryPages, DocumentPrintPages, CheckInPages, HelpdeskPages,
                        CallbackPages, ConversationTools, helpdesk_live, RatingPages, SlotPages, StatsPages, ComplaintPages, FaqPages, StaffPages,
                        CataloguePages, CalendarPages, SmsChannelPages, CaseViewPages,
                        SitePages, SettingsAuditPages, IdentityWindowPages, IdentityDocumentPages, SiteCheckPages,
                        RereviewPages, UrgingPages,
                        static],
        middleware=session.middleware(settings),
        request_class=HTMXRequest,
        include_in_schema=False,
        exception_handlers={
            NotAuthorizedException: _login_redirect,
            DomainError: _domain_error,
            ValidationException: _validation_error,
            HTTPException: _http_error,
        },
    )
