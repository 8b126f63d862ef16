"""Log events a test can read, whichever test logged first; and the formatted log lines (LogTap).

structlog's ``capture_logs()`` swaps the processors, which a logger cached on its first use
(``cache_logger_on_first_use``, api/logging.py) never sees again: an earlier test in the same
process that logged through the same module hid the events. The events still reach the standard
library's root logger as dicts (``ProcessorFormatter.wrap_for_formatter``), so collect them there.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.events: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, dict):
            self.events.append({"level": record.levelname.lower(), **record.msg})


@contextmanager
def captured_events() -> Iterator[list[dict[str, Any]]]:
    """Every structlog event logged inside the block, as its event dict. Create the app before
    entering: api.logging.configure() replaces the root logger's handlers."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.events
    finally:
        root.removeHandler(handler)


class LogTap:
    """Everything the product's own log handler writes, formatted by the same formatter (so masking
    is checked as it happens in production, not on raw records)."""

    def __enter__(self) -> io.StringIO:
        root = logging.getLogger()
        product = next(h for h in root.handlers if getattr(h, "formatter", None) is not None
                       and type(h.formatter).__name__ == "ProcessorFormatter")
        self.buffer = io.StringIO()
        self.handler = logging.StreamHandler(self.buffer)
        self.handler.setFormatter(product.formatter)
        root.addHandler(self.handler)
        return self.buffer

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self.handler)
