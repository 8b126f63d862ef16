"""The WeChat templates a message can go by: the mini-program's subscribe templates (our names;
the ids WeChat gave them are the setting ZSB_WECHAT_TEMPLATE_IDS, see ``registered_template_ids``)
and the official account's template standing in for each (OA_TEMPLATES)."""

from __future__ import annotations

# WeChat subscribe templates (one per kind of message the user can allow in the mini-program).
TPL_PROGRESS = "tmpl-progress"        # 办件进度通知: thing1 事项, character_string2 编号, phrase3 状态, thing4 说明
TPL_GAP = "tmpl-material-gap"         # 补正提醒: thing1 事项, character_string2 编号, thing3 需补正
TPL_RESULT = "tmpl-result"            # 审批结果通知: thing1 事项, phrase2 结果, thing3 说明
TPL_APPOINTMENT = "tmpl-appointment"  # 预约提醒: thing1 事项, thing2 地点, time3 时间, phrase4 状态
TPL_EXAM = "tmpl-exam"                # 考试通知: thing1 考试, thing2 考场, time3 时间
TPL_REPLY = "tmpl-helpdesk-reply"     # 客服回复: thing1 内容, time2 时间
TPL_RATING = "tmpl-rating"            # 服务评价邀请: thing1 事项, thing2 说明
TPL_TASK = "tmpl-task"                # 待办提醒: thing1 待办, date2 到期, phrase3 状态
TPL_COMPLAINT = "tmpl-complaint"      # 投诉进度: character_string1 编号, phrase2 状态, thing3 说明

TEMPLATE_IDS = (TPL_PROGRESS, TPL_GAP, TPL_RESULT, TPL_APPOINTMENT, TPL_EXAM, TPL_REPLY, TPL_RATING,
                TPL_TASK, TPL_COMPLAINT)
# The name each is registered under in ZSB_WECHAT_TEMPLATE_IDS, and what the user sees it called.
TEMPLATE_KINDS = {"progress": TPL_PROGRESS, "material_gap": TPL_GAP, "result": TPL_RESULT,
                  "appointment": TPL_APPOINTMENT, "exam": TPL_EXAM, "helpdesk_reply": TPL_REPLY,
                  "rating": TPL_RATING, "task": TPL_TASK, "complaint": TPL_COMPLAINT}
TEMPLATE_TITLES = {TPL_PROGRESS: "办件进度通知", TPL_GAP: "补正提醒", TPL_RESULT: "审批结果通知",
                   TPL_APPOINTMENT: "预约提醒", TPL_EXAM: "考试通知", TPL_REPLY: "客服回复",
                   TPL_RATING: "服务评价邀请", TPL_TASK: "待办提醒", TPL_COMPLAINT: "投诉进度"}


def registered_template_ids(setting: str) -> dict[str, str]:
    """Our template -> the id WeChat registered for it, from ZSB_WECHAT_TEMPLATE_IDS ("kind=id,...");
    a kind not named keeps its built-in id (dev and tests). ValueError names what is wrong."""
    ids = {tpl: tpl for tpl in TEMPLATE_IDS}
    for pair in filter(None, (p.strip() for p in setting.split(","))):
        kind, sep, value = (part.strip() for part in pair.partition("="))
        if not sep or not value or len(value) > 128:
            raise ValueError(f"{pair!r} is not kind=id")
        if kind not in TEMPLATE_KINDS:
            raise ValueError(f"unknown kind {kind!r}; kinds: {', '.join(TEMPLATE_KINDS)}")
        ids[TEMPLATE_KINDS[kind]] = value
    if len(set(ids.values())) != len(ids):
        raise ValueError("two kinds share one template id")
    return ids


# The official account's (公众号) template for each kind of message, chosen from WeChat's template
# library with the same fields as the subscribe template it stands in for, so one data mapping
# (and one set of limits: thing ≤ 20, phrase ≤ 5) renders both. A follower of the account gets
# these without a per-message authorisation; tapping one opens the mini-program page.
OA_TEMPLATES = {
    TPL_PROGRESS: "oa-tmpl-progress",
    TPL_GAP: "oa-tmpl-material-gap",
    TPL_RESULT: "oa-tmpl-result",
    TPL_APPOINTMENT: "oa-tmpl-appointment",
    TPL_EXAM: "oa-tmpl-exam",
    TPL_REPLY: "oa-tmpl-helpdesk-reply",
    TPL_RATING: "oa-tmpl-rating",
    TPL_TASK: "oa-tmpl-task",
    TPL_COMPLAINT: "oa-tmpl-complaint",
}
