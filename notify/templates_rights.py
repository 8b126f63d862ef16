"""The messages of issue 23 (the applicant's rights during a case), added to
``notify.templates.EVENTS`` when the ``notify`` package loads (notify/templates.py is at its
300-line limit). In-app always, WeChat where the person subscribed; no SMS template of their own.

- ``gap_notice_added``: a return for materials named items the earlier 一次性告知 did not (a lead's
  override, F096): which, the lead's reason, and how to complain. Params: ``serviceName``,
  ``publicNo``, ``items``, ``reason``.
- ``rereview_requested`` / ``rereview_answered``: the applicant asked for a person to look at the
  automatic review (F051); staff are told, then the applicant of the outcome. Params: ``taskTitle``,
  ``dueDate``; ``serviceName``, ``publicNo``, ``result``, ``reason``.
- ``case_urged`` / ``urge_answered`` / ``urge_overdue``: 催办 after the expected finish date (F109).
- ``case_message``: a message on the case's thread with the approver (F102), to either side.
"""

from __future__ import annotations

from notify.templates import EVENTS, EventSpec
from notify.wechat_templates import TPL_PROGRESS, TPL_TASK
from wechat import pages

def _progress(state: str, detail: str) -> tuple[tuple[str, str, str], ...]:
    return (("thing1", "thing", "serviceName"), ("character_string2", "character_string", "publicNo"),
            ("phrase3", "phrase", f"={state}"), ("thing4", "thing", detail))


_TASK = (("thing1", "thing", "taskTitle"), ("date2", "date", "dueDate"), ("phrase3", "phrase", "status"))

RIGHTS_EVENTS: dict[str, EventSpec] = {
    "gap_notice_added": EventSpec(
        ("wechat",), "补正告知新增材料说明",
        inapp_text="您申请的{serviceName}（{publicNo}）本次补正告知列出了此前一次性告知书中没有的内容：{items}。"
                   "审批负责人说明的理由：{reason}。如有异议，可通过掌上办“投诉建议”反映。",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("补正告知", "=详情及投诉渠道见我的办件"),
        wechat_page=pages.APPLICATION_DETAIL),
    "rereview_requested": EventSpec(
        ("wechat",), "人工复核申请",
        inapp_text="办件“{taskTitle}”申请人工复核智能审核结果，请于{dueDate}前处理。",
        wechat_template=TPL_TASK, wechat_data=_TASK, wechat_page=pages.STAFF_TASKS),
    "rereview_answered": EventSpec(
        ("wechat",), "人工复核结果",
        inapp_text="您申请的{serviceName}（{publicNo}）人工复核结果：{result}。{reason}",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("人工复核", "result"),
        wechat_page=pages.APPLICATION_DETAIL),
    "case_urged": EventSpec(
        ("wechat",), "办件催办",
        inapp_text="办件“{taskTitle}”已超过预计办结日期，申请人催办，请于{dueDate}前答复。",
        wechat_template=TPL_TASK, wechat_data=_TASK, wechat_page=pages.STAFF_TASKS),
    "urge_answered": EventSpec(
        ("wechat",), "催办答复",
        inapp_text="您对{serviceName}（{publicNo}）的催办已答复：{text}",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("催办已答复", "text"),
        wechat_page=pages.APPLICATION_DETAIL),
    "urge_overdue": EventSpec(
        ("wechat",), "催办答复超期",
        inapp_text="办件“{taskTitle}”的催办应于{dueDate}前答复，现已超期，请尽快处理（效能督查）。",
        wechat_template=TPL_TASK, wechat_data=_TASK, wechat_page=pages.STAFF_TASKS),
    "case_message": EventSpec(
        ("wechat",), "办件留言",
        inapp_text="办件（{publicNo}）有新留言：{text}",
        wechat_template=TPL_PROGRESS, wechat_data=_progress("新留言", "text"),
        wechat_page=pages.APPLICATION_DETAIL),
}
EVENTS.update(RIGHTS_EVENTS)
