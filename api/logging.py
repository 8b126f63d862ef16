"""Structured JSON logs with a request id, and personal data masked before anything is written."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_RESIDENT_ID = re.compile(r"(?<![\dA-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![\dA-Za-z])")
_SECRET_KEYS = re.compile(r"(password|secret|token|authorization|code|aes_key)", re.I)


def mask_text(text: str) -> str:
    """Mask resident ID numbers and mobile numbers wherever they appear in a string."""
    return _PHONE.sub(r"\1****\2", _RESIDENT_ID.sub(r"\1***********\2", text))


def _mask_value(key: str, value: Any) -> Any:
    if isinstance(value, str):
        if _SECRET_KEYS.search(key) and key not in ("status_code", "code_name") and not key.endswith("_code"):
            return "***"
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(key, v) for v in value]
    return value


def mask_processor(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    return {k: (_mask_value(k, v) if k not in ("event", "level", "timestamp", "logger") else
                (mask_text(v) if isinstance(v, str) else v)) for k, v in event.items()}


def configure(level: str = "INFO", json: bool = True) -> None:
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        mask_processor,
    ]
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        # filter_by_level first: a disabled level (access lines at WARNING) costs nothing more
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
        structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer])
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("jieba", "uvicorn.access", "httpx", "arq.worker" if level.upper() != "DEBUG" else "_"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


access_log = structlog.get_logger("zsb.access")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane incoming X-Request-ID), logs one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if re.fullmatch(r"[A-Za-z0-9-]{8,64}", incoming) else uuid.uuid4().hex
        scope["request_id"] = request_id  # type: ignore[typeddict-unknown-key]
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                path = scope.get("path", "")
                if path not in ("/healthz", "/metrics"):
                    access_log.info("request", method=scope.get("method"), path=path, status=status,
                                    ms=round((time.perf_counter() - started) * 1000, 1))
