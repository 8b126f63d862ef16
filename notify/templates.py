"""The events the product sends, on which channels, and what each message says.

Each event names its channels, the Aliyun SMS template code and which params fill its
variables, the WeChat subscribe template and its data mapping (which the official account's
matching template in notify/wechat_templates.py shares), and the in-app text. Everything
is rendered at send time from the params stored with the outbox row (see notify/render.py).

Params other areas pass (all optional; a missing one renders as "-"): ``serviceName``,
``publicNo``, ``reason``, ``result``, ``siteName``, ``slotTime`` (ISO 8601), ``date``,
``trackingNo``, ``text``, ``taskTitle``, ``dueDate``, ``code`` (login codes only).

The SMS template codes below are the ones registered for this product in the bureau's Aliyun SMS
console (part of the message wording reviewed by the bureau, so they live in code). The WeChat
subscribe templates (notify/wechat_templates.py) are our names for them; the ids WeChat gave them in
the mini-program admin are a setting (``ZSB_WECHAT_TEMPLATE_IDS``, ``registered_template_ids``), translated where an id
leaves or enters the product (the subscribe kit, recorded authorisations, the send).
"""

from __future__ import annotations

import msgspec

from notify.wechat_templates import (TPL_APPOINTMENT, TPL_COMPLAINT, TPL_EXAM, TPL_GAP, TPL_PROGRESS, TPL_RATING,
                                     TPL_REPLY, TPL_RESULT, TPL_TASK)
from wechat import pages


class EventSpec(msgspec.Struct, frozen=True):
    channels: tuple[str, ...]
    inapp_title: str
    # When True, SMS goes out even when WeChat is used too (results: WeChat and SMS).
    sms_always: bool = False
    # Urgent SMS go out during quiet hours (22:00–08:00 Asia/Shanghai); the rest wait for 08:00.
    urgent: bool = False
    # In-app text, str.format over the params.
    inapp_text: str = ""
    # Aliyun template code and the params that fill its variables (variable name = param name).
    sms_template: str = ""
    sms_params: tuple[str, ...] = ()
    # WeChat subscribe template and its data: (key, kind, param or a literal "=text").
    wechat_template: str = ""
    wechat_data: tuple[tuple[str, str, str], ...] = ()
    # (key, str.format over the params): what a WeChat field says when its value does not fit,
    # e.g. a list of materials too long for a ``thing`` says how many; the page lists them.
    # Without every param it reads, the value is cut instead.
    wechat_overflow: tuple[tuple[str, str], ...] = ()
    wechat_page: str = pages.HOME
    # An in-app copy in the user's inbox (a login code has none).
    inapp: bool = True
    # The rendered content is a secret (login codes): masked once sent outside the sandbox.
    secret: bool = False


def _progress(state: str, detail: str = "=详情请在我的办件中查看") -> tuple[tuple[str, str, str], ...]:
    """办件进度: the state, and ``detail`` (a param, or a literal "=text") as the explanation."""
    return (("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
            ("phrase3", "phrase", f"={state}"), ("thing4", "thing", detail))


EVENTS: dict[str, EventSpec] = {
    "login_code": EventSpec(
        ("sms",), "登录验证码", urgent=True, inapp=False, secret=True,
        inapp_text="您的登录验证码为{code}，5分钟内有效，请勿泄露给他人。",
        sms_template="SMS_480010001", sms_params=("code",)),
    "application_submitted": EventSpec(
        ("wechat", "sms"), "申请已提交",
        inapp_text="您申请的{serviceName}已提交，办件编号{publicNo}，可在“我的办件”查看进度。",
        sms_template="SMS_480010002", sms_params=("serviceName", "publicNo"),
        wechat_template=TPL_PROGRESS, wechat_data=_progress("已提交"), wechat_page=pages.APPLICATION_DETAIL),
    # F107 "环节每次变化…通过微信消息和短信通知", F127 "受理…证件寄出…同时发送短信和微信": both channels
    "application_accepted": EventSpec(
        ("wechat", "sms"), "申请已受理", sms_always=True,
        inapp_text="您申请的{serviceName}已受理，办件编号{publicNo}。",
        sms_template="SMS_480010003", sms_params=("serviceName", "publicNo"),
        wechat_template=TPL_PROGRESS, wechat_data=_progress("已受理"), wechat_page=pages.APPLICATION_DETAIL),
    "application_in_review": EventSpec(
        ("wechat", "sms"), "申请进入审核", sms_always=True,
        inapp_text="您申请的{serviceName}（{publicNo}）已进入审核环节，预计{dueOn}前办结。",
        sms_template="SMS_480010026", sms_params=("serviceName", "publicNo"),
        wechat_template=TPL_PROGRESS, wechat_data=_progress("审核中"), wechat_page=pages.APPLICATION_DETAIL),
    "material_gap": EventSpec(
        ("wechat", "sms"), "材料补正提醒", sms_always=True,
        inapp_text="您申请的{serviceName}（{publicNo}）需要补正材料：{reason}。请在“我的办件”中一次补齐。",
        sms_template="SMS_480010004", sms_params=("serviceName", "publicNo"),
        wechat_template=TPL_GAP,
        wechat_data=(("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
                     ("thing3", "thing", "reason")),
        wechat_overflow=(("thing3", "{count}项材料待补正"),),
        wechat_page=pages.APPLICATION_DETAIL),
    "application_closed": EventSpec(
        ("wechat", "sms"), "申请已终止", sms_always=True,
        inapp_text="您申请的{serviceName}（{publicNo}）已终止办理：{reason}。",
        sms_template="SMS_480010005", sms_params=("serviceName", "publicNo"),
        wechat_template=TPL_PROGRESS, wechat_data=_progress("已终止", "reason"), wechat_page=pages.APPLICATION_DETAIL),
    "approval_result": EventSpec(
        ("wechat", "sms"), "审批结果通知", sms_always=True,
        inapp_text="您申请的{serviceName}（{publicNo}）审批结果：{result}。{reason}",
        sms_template="SMS_480010006", sms_params=("serviceName", "publicNo", "result"),
        wechat_template=TPL_RESULT,
        wechat_data=(("thing1", "thing", "serviceName"), ("phrase2", "phrase", "result"),
                     ("thing3", "thing", "reason")),
        wechat_page=pages.APPLICATION_DETAIL),
    "licence_shipped": EventSpec(
        ("wechat", "sms"), "证件已寄出", sms_always=True,
        inapp_text="您的{serviceName}证件已由邮政EMS寄出，快递单号{trackingNo}。",
        sms_template="SMS_480010007", sms_params=("serviceName", "trackingNo"),
        wechat_template=TPL_PROGRESS,
        wechat_data=(("thing1", "thing", "serviceName"), ("character_string2", "character_string", "trackingNo"),
                     ("phrase3", "phrase", "=已寄出"), ("thing4", "thing", "=邮政EMS寄送")),
        wechat_page=pages.LICENCES),
    # F131 窗口自取: ready at the chosen window, held 30 days; then express to the default address.
    "licence_ready_for_pickup": EventSpec(
        ("wechat", "sms"), "证件可以领取了", sms_always=True,
        inapp_text="您的{serviceName}证件（{publicNo}）已可在{siteName}领取（地址：{siteAddress}），窗口保留至"
                   "{lastPickupDate}。请凭本人身份证原件领取；他人代领的，需携带代领人身份证原件和您签字的授权委托书"
                   "（可在办件详情下载模板）。超过30天未领取的，将改为快递寄到您账号中的默认地址。",
        sms_template="SMS_480010021", sms_params=("serviceName", "siteName", "lastPickupDate"),
        wechat_template=TPL_PROGRESS,
        wechat_data=(("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
                     ("phrase3", "phrase", "=待领取"), ("thing4", "thing", "siteName")),
        wechat_page=pages.APPLICATION_DETAIL),
    "licence_pickup_switched": EventSpec(
        ("wechat", "sms"), "证件改为快递寄送",
        inapp_text="您的{serviceName}证件（{publicNo}）在{siteName}保留30天未领取，已改为邮政EMS寄到您账号中的"
                   "默认地址：{address}。寄出后会告诉您快递单号。",
        sms_template="SMS_480010022", sms_params=("serviceName", "siteName"),
        wechat_template=TPL_PROGRESS,
        wechat_data=(("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
                     ("phrase3", "phrase", "=改为寄送"), ("thing4", "thing", "=寄到账号默认地址")),
        wechat_page=pages.APPLICATION_DETAIL),
    "licence_pickup_address_needed": EventSpec(
        ("wechat", "sms"), "请添加默认收件地址", sms_always=True,
        inapp_text="您的{serviceName}证件（{publicNo}）在{siteName}保留30天未领取。您的账号还没有默认地址，"
                   "证件暂留窗口；请在“我的”中添加默认收件地址，我们将改为快递寄给您，也可继续到窗口领取。",
        sms_template="SMS_480010023", sms_params=("serviceName", "siteName"),
        wechat_template=TPL_PROGRESS,
        wechat_data=(("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
                     ("phrase3", "phrase", "=待补地址"), ("thing4", "thing", "=请添加默认收件地址")),
        wechat_page=pages.APPLICATION_DETAIL),
    "exam_slot": EventSpec(
        ("wechat", "sms"), "考试通知", sms_always=True,
        inapp_text="您的{serviceName}考试安排在{slotTime}，考场：{siteName}。请携带身份证原件提前30分钟到场签到。",
        sms_template="SMS_480010008", sms_params=("serviceName", "slotTime", "siteName"),
        wechat_template=TPL_EXAM,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "siteName"), ("time3", "time", "slotTime")),
        wechat_page=pages.APPOINTMENTS),
    "exam_result": EventSpec(
        ("wechat", "sms"), "考试结果通知", sms_always=True,
        inapp_text="您的{serviceName}考试结果：{result}。{reason}",
        sms_template="SMS_480010009", sms_params=("serviceName", "result"),
        wechat_template=TPL_RESULT,
        wechat_data=(("thing1", "thing", "serviceName"), ("phrase2", "phrase", "result"), ("thing3", "thing", "reason")),
        wechat_page=pages.APPOINTMENTS),
    "appointment_confirmed": EventSpec(
        ("wechat", "sms"), "预约成功",
        inapp_text="您已预约{serviceName}，时间{slotTime}，地点{siteName}。",
        sms_template="SMS_480010010", sms_params=("serviceName", "slotTime", "siteName"),
        wechat_template=TPL_APPOINTMENT,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "siteName"),
                     ("time3", "time", "slotTime"), ("phrase4", "phrase", "=预约成功")),
        wechat_page=pages.APPOINTMENTS),
    "appointment_reminder": EventSpec(
        ("wechat", "sms"), "预约提醒", sms_always=True,
        inapp_text="提醒：您预约的{serviceName}在{slotTime}，地点{siteName}，请携带所需材料按时到场。",
        sms_template="SMS_480010011", sms_params=("serviceName", "slotTime", "siteName"),
        wechat_template=TPL_APPOINTMENT,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "siteName"),
                     ("time3", "time", "slotTime"), ("phrase4", "phrase", "=明日办理")),
        wechat_page=pages.APPOINTMENTS),
    "appointment_cancelled": EventSpec(
        ("wechat", "sms"), "预约已取消",
        inapp_text="您预约的{serviceName}（{slotTime}）已取消。{reason}",
        sms_template="SMS_480010012", sms_params=("serviceName", "slotTime"),
        wechat_template=TPL_APPOINTMENT,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "siteName"),
                     ("time3", "time", "slotTime"), ("phrase4", "phrase", "=已取消")),
        wechat_page=pages.APPOINTMENTS),
    "waitlist_booked": EventSpec(
        ("wechat", "sms"), "候补预约成功", sms_always=True,
        inapp_text="您登记候补的{serviceName}已为您预约成功：{slotTime}，地点{siteName}。不需要请及时取消。",
        sms_template="SMS_480010013", sms_params=("serviceName", "slotTime", "siteName"),
        wechat_template=TPL_APPOINTMENT,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "siteName"),
                     ("time3", "time", "slotTime"), ("phrase4", "phrase", "=候补成功")),
        wechat_page=pages.APPOINTMENTS),
    # F123: not every subject passed within a year of the first exam: the case ends, apply again.
    "exam_lapsed": EventSpec(
        ("wechat", "sms"), "考试期限已过", sms_always=True,
        inapp_text="您申请的{serviceName}（{publicNo}）自首次考试起1年内（至{examYearEnd}）未通过全部科目，"
                   "本次申请已终止{retakeNote}。如需取得资格证，请重新提交申请。",
        sms_template="SMS_480010025", sms_params=("serviceName", "publicNo"),
        wechat_template=TPL_PROGRESS, wechat_data=_progress("已终止", "=1年内未通过全部科目"),
        wechat_page=pages.APPLICATION_DETAIL),
    "exam_booking_open": EventSpec(
        ("wechat", "sms"), "考试场次已开放", sms_always=True,
        inapp_text="您的{serviceName}资格审核已通过，考试场次已于{openTime}开放预约，请在“我的预约”中选择考试场次。",
        sms_template="SMS_480010020", sms_params=("serviceName", "openTime"),
        wechat_template=TPL_EXAM,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "=请在我的预约中选择场次"),
                     ("time3", "time", "openTime")),
        wechat_page=pages.APPOINTMENTS),
    # Issue 19, F090: the result of the staff review of an uploaded document, by WeChat and SMS.
    "identity_document_approved": EventSpec(
        ("wechat", "sms"), "实名认证已通过", sms_always=True,
        inapp_text="您提交的{idTypeName}已由工作人员核验通过，实名认证已完成，现在可以提交办事申请了。",
        sms_template="SMS_480010041", sms_params=("idTypeName",),
        wechat_template=TPL_RESULT,
        wechat_data=(("thing1", "thing", "=实名认证"), ("phrase2", "phrase", "=已通过"),
                     ("thing3", "thing", "=现在可以提交办事申请了")),
        wechat_page=pages.HOME),
    "identity_document_refused": EventSpec(
        ("wechat", "sms"), "实名认证未通过", sms_always=True,
        inapp_text="您提交的{idTypeName}未通过工作人员核验：{reason}。请按提示重新上传清晰的证件照片，"
                   "或携带证件原件到办事窗口认证。",
        sms_template="SMS_480010042", sms_params=("idTypeName",),
        wechat_template=TPL_RESULT,
        wechat_data=(("thing1", "thing", "=实名认证"), ("phrase2", "phrase", "=未通过"), ("thing3", "thing", "reason")),
        wechat_page=pages.HOME),
    "task_due_soon": EventSpec(
        ("wechat", "sms"), "待办即将到期",
        inapp_text="待办“{taskTitle}”将于{dueDate}到期，请及时处理。",
        sms_template="SMS_480010014", sms_params=("taskTitle", "dueDate"),
        wechat_template=TPL_TASK,
        wechat_data=(("thing1", "thing", "taskTitle"), ("date2", "date", "dueDate"), ("phrase3", "phrase", "=即将到期")),
        wechat_page=pages.STAFF_TASKS),
    "task_overdue": EventSpec(
        ("wechat", "sms"), "待办已超期", sms_always=True,
        inapp_text="待办“{taskTitle}”已于{dueDate}超期，请尽快处理。",
        sms_template="SMS_480010015", sms_params=("taskTitle", "dueDate"),
        wechat_template=TPL_TASK,
        wechat_data=(("thing1", "thing", "taskTitle"), ("date2", "date", "dueDate"), ("phrase3", "phrase", "=已超期")),
        wechat_page=pages.STAFF_TASKS),
    "rating_invitation": EventSpec(
        ("wechat",), "邀请您评价",
        inapp_text="您办理的{serviceName}已办结，欢迎对本次服务作出评价。",
        wechat_template=TPL_RATING,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "=欢迎评价本次服务")),
        wechat_page=pages.RATING_NEW),
    "rating_follow_up": EventSpec(
        ("wechat", "sms"), "差评回访",
        inapp_text="关于您对{serviceName}的评价，我们已回访处理：{text}",
        sms_template="SMS_480010016", sms_params=("serviceName",),
        wechat_template=TPL_RATING,
        wechat_data=(("thing1", "thing", "serviceName"), ("thing2", "thing", "text")),
        wechat_page=pages.RATINGS),
    "helpdesk_reply": EventSpec(
        ("wechat",), "客服回复",
        inapp_text="客服回复：{text}",
        wechat_template=TPL_REPLY,
        wechat_data=(("thing1", "thing", "text"), ("time2", "time", "=now")),
        wechat_page=pages.CHAT),
    # An agent's answer by SMS once WeChat's 48-hour window has closed (api/helpdesk/service/sms.py).
    "helpdesk_sms_reply": EventSpec(
        ("sms",), "客服短信回复",
        inapp_text="客服回复：{text}",
        sms_template="SMS_480010031", sms_params=("text",)),
    "complaint_received": EventSpec(
        ("wechat", "sms"), "投诉已受理",
        inapp_text="您的投诉建议（{publicNo}）已受理，我们将在规定时限内答复。",
        sms_template="SMS_480010017", sms_params=("publicNo",),
        wechat_template=TPL_COMPLAINT,
        wechat_data=(("character_string1", "character_string", "publicNo"), ("phrase2", "phrase", "=已受理"),
                     ("thing3", "thing", "=将在规定时限内答复")),
        wechat_page=pages.COMPLAINTS),
    # Issue 25: a complaint text or rating comment WeChat's content check held (in-app: it names no one).
    "content_held": EventSpec(
        (), "内容未通过安全检查",
        inapp_text="您提交的{what}未通过微信内容安全检查，已暂存待人工复核，复核前不会展示给工作人员或其他人。"
                   "请文明用语，如有需要可修改措辞后重新提交。"),
    "complaint_answered": EventSpec(
        ("wechat", "sms"), "投诉已答复", sms_always=True,
        inapp_text="您的投诉建议（{publicNo}）已答复：{text}",
        sms_template="SMS_480010018", sms_params=("publicNo",),
        wechat_template=TPL_COMPLAINT,
        wechat_data=(("character_string1", "character_string", "publicNo"), ("phrase2", "phrase", "=已答复"),
                     ("thing3", "thing", "text")),
        wechat_page=pages.COMPLAINTS),
    "complaint_overdue": EventSpec(
        ("wechat", "sms"), "投诉处理超期",
        inapp_text="投诉建议（{publicNo}）已超过答复时限，请尽快处理。",
        sms_template="SMS_480010019", sms_params=("publicNo",),
        wechat_template=TPL_COMPLAINT,
        wechat_data=(("character_string1", "character_string", "publicNo"), ("phrase2", "phrase", "=已超期"),
                     ("thing3", "thing", "=请尽快处理")),
        wechat_page=pages.STAFF_COMPLAINTS),
    "callback_overdue": EventSpec(
        ("wechat", "sms"), "回访已超期",
        inapp_text="办件（{publicNo}）的咨询回访应于{dueDate}前完成，现已超期，请尽快电话回访。",
        sms_template="SMS_480010024", sms_params=("publicNo", "dueDate"),
        wechat_template=TPL_TASK,
        wechat_data=(("thing1", "thing", "=咨询电话回访"), ("date2", "date", "dueDate"), ("phrase3", "phrase", "=已超期")),
        wechat_page=pages.STAFF_CALLBACKS),
    # Issue 17: the staff password login locked after repeated wrong passwords; urgent, since the
    # one told may be the target of someone else's guessing and must hear of it at once.
    "staff_login_locked": EventSpec(
        ("sms",), "账号已临时锁定", urgent=True,
        inapp_text="您的工作人员账号因密码连续输错{tries}次，已锁定至{untilTime}。如非本人操作，请尽快联系管理员。",
        sms_template="SMS_480010030", sms_params=("tries", "untilTime")),
}
