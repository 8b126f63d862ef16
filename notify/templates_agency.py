"""The 代办 confirmation SMS of issue 20 (F093), added to ``notify.templates.EVENTS`` when the
``notify`` package loads. Params: ``agentName`` (masked), ``serviceName``, ``code`` (6 digits; a
secret: masked once sent outside the sandbox, no in-app copy)."""

from __future__ import annotations

from notify.templates import EVENTS, EventSpec

AGENCY_EVENTS: dict[str, EventSpec] = {
    "agency_confirm": EventSpec(
        ("sms",), "代办确认", urgent=True, inapp=False, secret=True,
        inapp_text="{agentName}正在掌上办为您代办“{serviceName}”，确认码{code}。同意请在掌上办“待确认事项”中输入确认码；"
                   "不同意请选择拒绝。",
        sms_template="SMS_480010093", sms_params=("agentName", "serviceName", "code")),
}
EVENTS.update(AGENCY_EVENTS)
