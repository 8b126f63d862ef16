"""Rendering an event's params into in-app text, Aliyun template params and WeChat data.

WeChat refuses subscribe and template data that is not valid for its field's type (errcode
47003), so every value is made valid before sending: control characters (a line break in a
rejection reason) become spaces; each type keeps only what it may hold (``character_string``
letters, digits and a few signs; ``number`` digits); values are cut to fit (``thing`` ≤ 20
characters, ``phrase`` ≤ 5, ``character_string``/``number`` ≤ 32, ``name`` ≤ 10); a value an
event says how to summarise (``EventSpec.wechat_overflow``: a list of materials) is summarised
when it does not fit ("3项材料待补正", the page lists them) rather than cut; ``time``/``date``
use WeChat's own formats ("2026年3月5日 14:30"), never ISO 8601 with ``T``.
Aliyun template variables are at most 35 characters.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from string import Formatter
from typing import Any

from api.clock import ZONE
from notify.templates import EventSpec

MISSING = "-"
LIMITS = {"thing": 20, "phrase": 5, "character_string": 32, "number": 32, "name": 10, "letter": 32,
          "symbol": 5, "amount": 10, "phone_number": 17, "car_number": 8}
SMS_VARIABLE_MAX = 35
_NOT_CHAR_STRING = re.compile(r"[^0-9A-Za-z_\-.:/#@]")
_ONLY = {"character_string": _NOT_CHAR_STRING, "number": re.compile(r"[^0-9.]"),
         "letter": re.compile(r"[^A-Za-z]"), "phone_number": re.compile(r"[^0-9+\-]")}
_SPACES = re.compile(r"\s+")


class _Params(dict):  # str.format_map with "-" for what the caller did not pass
    def __missing__(self, key: str) -> str:
        return MISSING


def _text(value: Any) -> str:
    return MISSING if value is None or value == "" else str(value)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_datetime(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def wx_time(value: Any, now: datetime | None = None) -> str:
    moment = now if value == "now" else _as_datetime(value)
    if isinstance(moment, datetime):
        local = moment.astimezone(ZONE) if moment.tzinfo else moment
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    if isinstance(moment, date):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return _text(value)


def wx_date(value: Any, now: datetime | None = None) -> str:
    moment = now if value == "now" else _as_datetime(value)
    if isinstance(moment, datetime):
        moment = (moment.astimezone(ZONE) if moment.tzinfo else moment).date()
    if isinstance(moment, date):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return _text(value)


def _display(params: dict[str, Any], key: str) -> str:
    """Times read as people read them in every channel."""
    value = params.get(key)
    if key.endswith("Time") and isinstance(value, str) and _as_datetime(value):
        return wx_time(value)
    if key.endswith("Date") and isinstance(value, str) and _as_datetime(value):
        return wx_date(value)
    return _text(value)


def inapp_text(spec: EventSpec, params: dict[str, Any]) -> str:
    shown = _Params({k: _display(params, k) for k in params})
    return spec.inapp_text.format_map(shown) if spec.inapp_text else spec.inapp_title


def sms_params(spec: EventSpec, params: dict[str, Any]) -> dict[str, str]:
    return {name: _cut(_display(params, name), SMS_VARIABLE_MAX) for name in spec.sms_params}


def _printable(text: str) -> str:
    """Control and format characters (line breaks, tabs, zero-width marks) as single spaces."""
    if text.isprintable():
        return text
    spaced = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    return _SPACES.sub(" ", spaced).strip()


def wechat_value(kind: str, value: str, *, overflow: str | None = None) -> str:
    """``value`` made valid for a WeChat field of ``kind``: printable, of the characters the kind
    allows, within its length; ``overflow`` (already rendered) stands in for a value that does not fit."""
    text = _printable(value)
    if kind in _ONLY:
        text = _ONLY[kind].sub("", text)
    text = text or MISSING
    limit = LIMITS.get(kind, 20)
    if len(text) > limit and overflow:
        text = _printable(overflow) or MISSING
    return _cut(text, limit)


def _summary(template: str | None, params: dict[str, Any]) -> str | None:
    """The overflow text of a field, when the params hold everything it reads."""
    if not template:
        return None
    if any(name and params.get(name) in (None, "") for _, name, _, _ in Formatter().parse(template)):
        return None
    return template.format_map(_Params({k: _text(v) for k, v in params.items()}))


def wechat_data(spec: EventSpec, params: dict[str, Any], now: datetime | None = None) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    overflow = dict(spec.wechat_overflow)
    for key, kind, source in spec.wechat_data:
        raw: Any = source[1:] if source.startswith("=") else params.get(source)
        if kind == "time":
            value = wx_time(raw, now)
        elif kind == "date":
            value = wx_date(raw, now)
        else:
            value = _text(raw)
        summary = _summary(overflow.get(key), params)
        data[key] = {"value": wechat_value(kind, value, overflow=summary)}
    return data
