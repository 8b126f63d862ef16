"""/verify/{token} for people: a phone camera opens the QR link in a browser, which asks for
text/html; programs (and anything that does not prefer HTML) keep getting JSON. The page reuses
the console's templates setup and stylesheet, and carries the console's security headers."""

from __future__ import annotations

from litestar import Request, Response
from litestar.response import Template

from api import errors
from api.console.session import SECURITY_HEADERS
from api.applications.schemas import ProgressOut
from api.disclosure.schemas import VerificationOut

_HEADERS = {**{k.decode(): v.decode() for k, v in SECURITY_HEADERS.items()}, "Vary": "Accept, User-Agent"}
_STATUS_WORDS = {"valid": "有效", "revoked": "已撤销", "expired": "已过期"}


def wants_html(request: Request) -> bool:
    return request.accept.best_match(["application/json", "text/html"], default="application/json") == "text/html"


def verification(request: Request, result: VerificationOut) -> Response[VerificationOut]:
    if not wants_html(request):
        return Response(result, headers={"Vary": "Accept, User-Agent"})
    state = _STATUS_WORDS[result.status] if result.valid or result.status != "valid" else "尚未生效"
    return Template("verify.html", context={"v": result, "state": state}, headers=_HEADERS,
                    media_type="text/html; charset=utf-8")


def refused(request: Request, exc: errors.DomainError) -> Response:
    """A forged, altered or unknown code: the same status and words as the JSON problem."""
    if not wants_html(request):
        return errors.exception_handlers()[errors.DomainError](request, exc)
    return Template("verify.html", context={"v": None, "title": exc.title}, status_code=exc.status,
                    headers=_HEADERS, media_type="text/html; charset=utf-8")


def progress(request: Request, result: ProgressOut) -> Response[ProgressOut]:
    """扫码查进度 for people: the public facts of the case, nothing about who applied."""
    if not wants_html(request):
        return Response(result, headers={"Vary": "Accept, User-Agent"})
    return Template("progress.html", context={"p": result}, headers=_HEADERS, media_type="text/html; charset=utf-8")


def progress_refused(request: Request, exc: errors.DomainError) -> Response:
    """A mistyped or unknown number: the same status and words as the JSON problem."""
    if not wants_html(request):
        return errors.exception_handlers()[errors.DomainError](request, exc)
    return Template("progress.html", context={"p": None, "title": exc.title}, status_code=exc.status,
                    headers=_HEADERS, media_type="text/html; charset=utf-8")
