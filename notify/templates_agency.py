"""The 代办 confirmation SMS of issue 20 (F093) and the taxi driver's 待确认事项 (F017), added to ``notify.templates.EVENTS`` when the
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
    # F017: the taxi company filed the driver's 从业资格注册; the driver confirms it in 待确认事项
    "taxi_registration_confirm": EventSpec(
        ("sms",), "待确认事项：从业资格注册", sms_always=True,
        inapp_text="{companyName}已为您提交“{serviceName}”，请在掌上办“待确认事项”中核对注册登记表并确认。",
        sms_template="SMS_480010017", sms_params=("companyName", "serviceName")),
}
EVENTS.update(AGENCY_EVENTS)
