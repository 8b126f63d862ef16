"""The messages of F071's on-site checks after 一类/二类 repair filings, added to
``notify.templates.EVENTS`` when the ``notify`` package loads. In-app always, WeChat where the
person subscribed.

- ``site_visit_agreed``: the visit's agreed time and address. Params: ``serviceName``, ``publicNo``,
  ``visitAt``, ``address``.
- ``site_check_passed``: the site is as filed. Params: ``serviceName``, ``publicNo``.
- ``site_check_rectification``: the ONE rectification notice, every item. Params: ``serviceName``,
  ``publicNo``, ``items``, ``count``.
"""

from __future__ import annotations

from notify.templates import EVENTS, EventSpec
from notify.wechat_templates import TPL_PROGRESS
from wechat import pages


def _progress(state: str, detail: str) -> tuple[tuple[str, str, str], ...]:
    return (("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
            ("phrase3", "phrase", f"={state}"), ("thing4", "thing", detail))


SITE_CHECK_EVENTS: dict[str, EventSpec] = {
    "site_visit_agreed": EventSpec(
        ("wechat",), "上门核查时间",
        inapp_text="您的{serviceName}（{publicNo}）备案后现场核查已约定：{visitAt}，地点{address}。"
                   "工作人员上门，您不用跑，请安排人员在店里配合。",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("约定核查", "=工作人员上门核查，详情见我的办件"),
        wechat_page=pages.APPLICATION_DETAIL),
    "site_check_passed": EventSpec(
        ("wechat",), "现场核查结果",
        inapp_text="您的{serviceName}（{publicNo}）现场核查结果：与备案一致，核查通过。",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("核查通过", "=场地、设备和人员与备案一致"),
        wechat_page=pages.APPLICATION_DETAIL),
    "site_check_rectification": EventSpec(
        ("wechat",), "现场核查整改通知",
        inapp_text="您的{serviceName}（{publicNo}）现场核查发现与备案不符，需要整改的全部事项（共{count}项）："
                   "{items}。以上为一次性告知的全部整改事项。",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("需要整改", "=全部整改事项见我的办件"),
        wechat_page=pages.APPLICATION_DETAIL),
}
EVENTS.update(SITE_CHECK_EVENTS)
