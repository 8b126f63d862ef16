"""Rendering an event's params into in-app text, Aliyun template params and WeChat data.

WeChat rejects subscribe data outside its limits (errcode 47003), so values are cut to fit:
``thing`` ≤ 20 characters, ``phrase`` ≤ 5, ``character_string``/``number`` ≤ 32, ``name`` ≤ 10;
``time``/``date`` use WeChat's own formats ("2026年3月5日 14:30"), never ISO 8601 with ``T``.
Aliyun template variables are at most 35 characters.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from notify.templates import EventSpec

SHANGHAI = ZoneInfo("Asia/Shanghai")
MISSING = "-"
LIMITS = {"thing": 20, "phrase": 5, "character_string": 32, "number": 32, "name": 10, "letter": 32,
          "symbol": 5, "amount": 10, "phone_number": 17, "car_number": 8}
SMS_VARIABLE_MAX = 35
_NOT_CHAR_STRING = re.compile(r"[^0-9A-Za-z_\-.:/#@]")


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
        local = moment.astimezone(SHANGHAI) if moment.tzinfo else moment
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    if isinstance(moment, date):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return _text(value)


def wx_date(value: Any, now: datetime | None = None) -> str:
    moment = now if value == "now" else _as_datetime(value)
    if isinstance(moment, datetime):
        moment = (moment.astimezone(SHANGHAI) if moment.tzinfo else moment).date()
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


def wechat_data(spec: EventSpec, params: dict[str, Any], now: datetime | None = None) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    for key, kind, source in spec.wechat_data:
        raw: Any = source[1:] if source.startswith("=") else params.get(source)
        if kind == "time":
            value = wx_time(raw, now)
        elif kind == "date":
            value = wx_date(raw, now)
        else:
            value = _text(raw)
            if kind == "character_string":
                value = _NOT_CHAR_STRING.sub("", value) or MISSING
        data[key] = {"value": _cut(value, LIMITS.get(kind, 20))}
    return data
