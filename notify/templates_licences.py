"""The licence-life messages of issue 22, added to ``notify.templates.EVENTS`` when the ``notify``
package loads (its ``__init__`` imports this module; notify/templates.py is at its 300-line limit).

``licence_expiring``: the expiry reminder (F061/F134 "系统会在到期前90天通过短信和微信提醒"), by
SMS always and WeChat where the holder can get it; it names the renewal service to apply for.
Params: ``licenceName``, ``licenceNo``, ``validUntil`` (ISO date), ``daysLeft``, ``renewalName``,
``renewalService`` (its code), ``licenceId``.
"""

from __future__ import annotations

from notify.templates import EVENTS, EventSpec
from notify.wechat_templates import TPL_PROGRESS
from wechat import pages

LICENCE_EVENTS: dict[str, EventSpec] = {
    "licence_expiring": EventSpec(
        ("wechat", "sms"), "证照到期换证提醒", sms_always=True,
        inapp_text="您的{licenceName}（{licenceNo}）将于{validUntil}到期，还有{daysLeft}天。现在即可在掌上办申请"
                   "“{renewalName}”，不用到窗口；新证有效期从原证到期次日起算，不会损失剩余天数。",
        sms_template="SMS_480010051", sms_params=("licenceName", "validUntil", "renewalName"),
        wechat_template=TPL_PROGRESS,
        wechat_data=(("thing1", "thing", "licenceName"), ("character_string2", "character_string", "licenceNo"),
                     ("phrase3", "phrase", "=即将到期"), ("thing4", "thing", "=可在掌上办申请换证")),
        wechat_page=pages.LICENCES),
}
EVENTS.update(LICENCE_EVENTS)
