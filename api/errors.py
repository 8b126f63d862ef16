"""Domain errors and the one map from them to RFC 9457 problem details.

A domain error is one line: a subclass of a status family below, a stable English ``code``
and a docstring that is the Chinese message people read. This module is the only place
statuses are chosen; services raise domain errors and never HTTP exceptions.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException

log = structlog.get_logger("zsb.errors")


class DomainError(Exception):
    """请求未能完成。"""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    # True when what the request wrote so far must be committed although it fails
    # (a wrong SMS code still counts as a try; a reused refresh token still revokes its family).
    keep_changes: ClassVar[bool] = False

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail
        self.extra = extra
        super().__init__(detail or self.title)

    @property
    def title(self) -> str:
        return (type(self).__doc__ or "").strip()


# Status families: subclass one of these; never pick a status anywhere else.
class BadRequest(DomainError):
    """请求有误。"""

    status = 400


class Unauthorized(DomainError):
    """请先登录。"""

    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """没有权限执行此操作。"""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """没有找到该记录。"""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """当前状态下不能执行此操作。"""

    status = 409
    code = "conflict"


class Gone(DomainError):
    """该记录已失效。"""

    status = 410
    code = "gone"


class PayloadTooLarge(DomainError):
    """提交的内容过大。"""

    status = 413
    code = "payload_too_large"


class Unprocessable(DomainError):
    """提交的内容未通过校验。"""

    status = 422
    code = "unprocessable"


class TooManyRequests(DomainError):
    """操作太频繁，请稍后再试。"""

    status = 429
    code = "too_many_requests"


class Unavailable(DomainError):
    """服务暂时不可用，请稍后再试。"""

    status = 503
    code = "unavailable"


class IdempotencyKeyReused(Conflict):
    """该 Idempotency-Key 已用于另一个请求。"""

    code = "idempotency_key_reused"


class ValidationFailed(BadRequest):
    """提交的内容格式不正确。"""

    code = "validation_failed"


class DatabaseUnavailable(Unavailable):
    """系统繁忙，请稍后再试。"""

    code = "database_unavailable"


class IdentityRequired(Conflict):
    """请先完成实名认证：在小程序“我的-实名认证”中完成人脸识别实名认证，或携带身份证到办事窗口认证（港澳台居民和外国人可上传证件照片人工审核），完成后即可办理（草稿可先保存）。"""

    code = "identity_required"


def _request_id(request: Request) -> str:
    return request.scope.get("request_id") or request.headers.get("x-request-id") or uuid.uuid4().hex


# A problem names at most this many offending fields (``errors`` and the "; "-joined detail made
# from them), and how many more there were: an answer must not grow with the attacker's input.
MAX_NAMED_ERRORS = 5


def _few_errors(body: dict[str, Any], detail: str | None) -> str | None:
    errors = body.get("errors")
    if not isinstance(errors, list) or len(errors) <= MAX_NAMED_ERRORS:
        return detail
    body["errors"] = errors[:MAX_NAMED_ERRORS]
    body["moreErrors"] = len(errors) - MAX_NAMED_ERRORS
    if detail:
        detail = "; ".join(detail.split("; ")[:MAX_NAMED_ERRORS]) + f"（另有{len(errors) - MAX_NAMED_ERRORS}处）"
    return detail


def problem(request: Request, *, status: int, code: str, title: str, detail: str | None = None,
            headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {k: v for k, v in (extra or {}).items() if v is not None}
    detail = _few_errors(body, detail)
    # the standard members win over a domain error's extra fields of the same name
    body.update({"status": status, "code": code, "title": title, "requestId": _request_id(request)})
    if detail:
        body["detail"] = detail
    return ProblemDetailsException(status_code=status, headers=headers, extra=body).to_response(request)


def _domain_error(request: Request, exc: DomainError) -> Response:
    headers = {"Retry-After": str(exc.extra.pop("retry_after"))} if "retry_after" in exc.extra else None
    return problem(request, status=exc.status, code=exc.code, title=exc.title, detail=exc.detail,
                   headers=headers, extra=exc.extra)


def _validation_error(request: Request, exc: ValidationException) -> Response:
    errors = exc.extra if isinstance(exc.extra, list) else []
    fields = [{"field": e.get("key") or "body", "message": e.get("message")} for e in errors if isinstance(e, dict)]
    detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or str(exc.detail)
    return problem(request, status=400, code=ValidationFailed.code, title=ValidationFailed().title,
                   detail=detail, extra={"errors": fields})


_HTTP_CODES = {
    400: ("bad_request", "请求有误。"),
    401: ("unauthorized", "请先登录或重新登录。"),
    403: ("forbidden", "没有权限执行此操作。"),
    404: ("not_found", "没有找到该记录。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    413: ("payload_too_large", "提交的内容过大。"),
    415: ("unsupported_media_type", "不支持的内容类型。"),
    429: ("too_many_requests", "操作太频繁，请稍后再试。"),
    503: ("unavailable", "服务暂时不可用，请稍后再试。"),
}


def _http_error(request: Request, exc: HTTPException) -> Response:
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "请求未能完成。"))
    if isinstance(exc, NotAuthorizedException):
        code, title = "unauthorized", "请先登录或重新登录。"
    elif isinstance(exc, PermissionDeniedException):
        code, title = "forbidden", "没有权限执行此操作。"
    detail = exc.detail if exc.status_code < 500 and exc.detail not in (title, "") else None
    if exc.status_code >= 500:
        log.error("http_error", status=exc.status_code, detail=exc.detail)
    return problem(request, status=exc.status_code, code=code, title=title, detail=detail, headers=exc.headers)


def _unexpected(request: Request, exc: Exception) -> Response:
    request_id = _request_id(request)
    log.exception("unhandled_error", request_id=request_id, path=request.url.path, error=type(exc).__name__)
    return problem(request, status=500, code="internal_error", title="系统出了点问题，请稍后再试。")


def _connection_lost(request: Request, exc: Exception) -> Response:
    log.warning("database_unavailable", error=type(exc).__name__)
    err = DatabaseUnavailable()
    return problem(request, status=err.status, code=err.code, title=err.title, headers={"Retry-After": "2"})


def _bad_value(request: Request, exc: Exception) -> Response:
    # A value that passed the edge but not the column (an id past bigint, an out-of-range number):
    # the caller's input is wrong, and the statement failed before writing anything.
    log.info("value_refused_by_database", error=type(exc).__name__)
    err = ValidationFailed()
    return problem(request, status=err.status, code=err.code, title=err.title, detail="输入的数值超出范围或格式不正确。")


def _bad_encoding(request: Request, exc: Exception) -> Response:
    err = ValidationFailed()
    return problem(request, status=err.status, code=err.code, title=err.title, detail="请求内容不是有效的 UTF-8 文本。")


def _too_deep(request: Request, exc: Exception) -> Response:
    err = ValidationFailed()
    return problem(request, status=err.status, code=err.code, title=err.title, detail="请求内容嵌套层级过深。")


def _refused_by_database(request: Request, exc: Exception) -> Response:
    # A trigger that guards a rule the services check first (e.g. staff never act on their own case,
    # migration 0132) names the rule in its HINT: a path that forgot the check still answers 403.
    hint = getattr(exc, "hint", None) or ""
    code = hint if hint.isidentifier() else "forbidden"
    log.warning("refused_by_database", code=code, path=request.url.path)
    return problem(request, status=403, code=code, title="没有权限执行此操作。")


def exception_handlers() -> dict[type[Exception] | int, Any]:
    import asyncpg

    return {
        DomainError: _domain_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        asyncpg.exceptions.DataError: _bad_value,
        asyncpg.exceptions.InsufficientPrivilegeError: _refused_by_database,
        # Litestar lets a JSON body that is not UTF-8 escape as UnicodeDecodeError (a 500 before this)
        UnicodeDecodeError: _bad_encoding,
        RecursionError: _too_deep,  # JSON nested 100 000 deep (found by tests/security)
        asyncpg.exceptions._base.DataError: _bad_value,  # raised while encoding arguments, before sending
        asyncpg.exceptions.ConnectionDoesNotExistError: _connection_lost,
        asyncpg.exceptions.CannotConnectNowError: _connection_lost,
        asyncpg.exceptions.ConnectionFailureError: _connection_lost,
        asyncpg.exceptions.TooManyConnectionsError: _connection_lost,
        asyncpg.exceptions.InterfaceError: _connection_lost,
        ConnectionError: _connection_lost,
        OSError: _connection_lost,
        TimeoutError: _connection_lost,
        Exception: _unexpected,
    }


def problem_details_config() -> ProblemDetailsConfig:
    return ProblemDetailsConfig(enable_for_all_http_exceptions=False)
