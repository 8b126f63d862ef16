"""The events the product sends, and on which channels.

Each event names its channels; the SMS template code and parameter mapping, the WeChat
subscribe template and its data mapping, and the in-app text live here too (rendered at send
time from the stored params).
"""

from __future__ import annotations

import msgspec


class EventSpec(msgspec.Struct, frozen=True):
    channels: tuple[str, ...]
    inapp_title: str
    # When True, SMS goes out even when WeChat is used too (results: WeChat and SMS).
    sms_always: bool = False
    urgent: bool = False


EVENTS: dict[str, EventSpec] = {
    "login_code": EventSpec(("sms",), "登录验证码", urgent=True),
    "application_submitted": EventSpec(("wechat", "sms"), "申请已提交"),
    "application_accepted": EventSpec(("wechat", "sms"), "申请已受理"),
    "material_gap": EventSpec(("wechat", "sms"), "材料补正提醒", sms_always=True),
    "application_closed": EventSpec(("wechat", "sms"), "申请已终止", sms_always=True),
    "approval_result": EventSpec(("wechat", "sms"), "审批结果通知", sms_always=True),
    "licence_shipped": EventSpec(("wechat", "sms"), "证件已寄出"),
    "exam_slot": EventSpec(("wechat", "sms"), "考试通知", sms_always=True),
    "exam_result": EventSpec(("wechat", "sms"), "考试结果通知", sms_always=True),
    "appointment_confirmed": EventSpec(("wechat", "sms"), "预约成功"),
    "appointment_reminder": EventSpec(("wechat", "sms"), "预约提醒", sms_always=True),
    "appointment_cancelled": EventSpec(("wechat", "sms"), "预约已取消"),
    "waitlist_booked": EventSpec(("wechat", "sms"), "候补预约成功", sms_always=True),
    "task_due_soon": EventSpec(("wechat", "sms"), "待办即将到期"),
    "task_overdue": EventSpec(("wechat", "sms"), "待办已超期", sms_always=True),
    "rating_invitation": EventSpec(("wechat",), "邀请您评价"),
    "rating_follow_up": EventSpec(("wechat", "sms"), "差评回访"),
    "helpdesk_reply": EventSpec(("wechat",), "客服回复"),
    "complaint_received": EventSpec(("wechat", "sms"), "投诉已受理"),
    "complaint_answered": EventSpec(("wechat", "sms"), "投诉已答复", sms_always=True),
    "complaint_overdue": EventSpec(("wechat", "sms"), "投诉处理超期"),
}
