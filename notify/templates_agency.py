"""The 代办 confirmation SMS of issue 20 (F093), the taxi driver's 待确认事项 (F017) and the end of a taxi
registration (F020), added to ``notify.templates.EVENTS`` when the ``notify`` package loads. Params:
``agentName`` (masked), ``serviceName``, ``code`` (6 digits; a secret: masked once sent outside the
sandbox, no in-app copy); ``companyName``, ``endedOn`` (ISO date), ``reason``. Each SMS template code
is this event's own (Aliyun templates have a fixed text): README, "SMS templates to register"."""

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
        sms_template="SMS_480010094", sms_params=("companyName", "serviceName")),
    # F020: the registration ended (by the original company, or by the bureau on the driver's request)
    "taxi_registration_ended": EventSpec(
        ("sms",), "从业资格注册已注销", sms_always=True,
        inapp_text="您在{companyName}的出租汽车驾驶员从业资格注册已于{endedOn}注销，电子服务监督卡同时失效；"
                   "从业资格证不受影响，仍然有效，新公司可为您重新注册。",
        sms_template="SMS_480010095", sms_params=("companyName", "endedOn")),
    "taxi_deregistration_refused": EventSpec(
        ("sms",), "注销注册申请未通过核实", sms_always=True,
        inapp_text="您申请注销出租汽车驾驶员从业资格注册未通过核实：{reason}。如有疑问请在掌上办“帮办代办”中联系导航员。",
        sms_template="SMS_480010096", sms_params=("reason",)),
}
EVENTS.update(AGENCY_EVENTS)
