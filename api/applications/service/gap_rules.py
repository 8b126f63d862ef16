"""One gap notice, really (FAQ F096 "不会补完一项再通知另一项"; "如补正后又被要求补交此前没有告知过的
材料，您可以通过“投诉建议”反映").

Once a case has had a 一次性告知, a later return for materials may name only items an earlier notice
named (by code) or items the applicant changed since the first notice: a material they uploaded
or whose pages they changed (the timeline's material events), a form field whose value differs
from the form as it stood then (``gap_notice_forms``, kept by a trigger). Anything else is new:
refused (409 ``gap_notice_new_items``, naming them) unless a lead overrides it with a reason. An
override is stored (``gap_notice_additions``: flagged on the case, counted in the admin's figure
"补正后新增告知") and the applicant is told which items, the reason and how to complain.

Public: ``create_later_gap_notice`` (approvals' return for materials), ``additions_of``,
``count_additions``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import notify
from api.applications.schemas import GapNotice
from api.applications.schemas_rights import GapAdditionOut
from api.applications.service.cases import create_gap_notice, service_name
from api.db import load_queries, rows
from api.errors import Conflict, Forbidden

q = load_queries(Path(__file__).parents[1], "gap_rules.sql")

COMPLAIN = "如有异议，可通过掌上办“投诉建议”反映"


class GapNoticeNewItems(Conflict):
    """此前已出具一次性告知书，本次退回补正列出了此前未告知、申请人也未修改过的内容；如确需补充告知，须由审批负责人填写理由后确认。"""

    code = "gap_notice_new_items"


class GapOverrideLeadOnly(Forbidden):
    """补充告知此前未列出的材料须由审批负责人（lead）确认并说明理由。"""

    code = "gap_override_lead_only"


async def new_items(conn: Any, application_id: int, gaps: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The items of ``gaps`` that no earlier notice named and the applicant has not changed since
    the first one (empty when the case had no notice before: this is its 一次性告知)."""
    earlier = await rows(q.earlier_notices(conn, application_id=application_id))
    if not earlier:
        return []
    named = {g.get("code") for n in earlier for g in n["gaps"] if g.get("code")}
    named |= {g.get("name") for n in earlier for g in n["gaps"] if g.get("name")}
    case = await q.current_form(conn, application_id=application_id)
    changed = {r["code"] for r in await rows(q.materials_changed_since(
        conn, application_id=application_id, since=earlier[0]["created_at"], applicant_id=case["applicant_id"]))}
    then, now = earlier[0]["form"] or {}, case["form"] or {}
    changed |= {k for k in set(then) | set(now) if then.get(k) != now.get(k)}
    return [{"code": g["code"], "name": g["name"]} for g in gaps
            if g["code"] not in named and g["name"] not in named and g["code"] not in changed]


async def create_later_gap_notice(conn: Any, application_id: int, gaps: list[dict[str, Any]], *, actor_id: int,
                                  is_lead: bool, override_reason: str | None,
                                  now: datetime | None = None) -> GapNotice:
    """``create_gap_notice`` with F096's rule for a case that had a notice before."""
    added = await new_items(conn, application_id, gaps)
    reason = (override_reason or "").strip()
    if added and not reason:
        raise GapNoticeNewItems(items=[i["name"] for i in added][:20], faq="F096", field="missing")
    if added and not is_lead:
        raise GapOverrideLeadOnly(items=[i["name"] for i in added][:20], field="overrideReason")
    notice = await create_gap_notice(conn, application_id, gaps, actor_id=actor_id, now=now)
    if added:
        await q.insert_addition(conn, gap_notice_id=notice.id, application_id=application_id, items=added,
                                override_by=actor_id, reason=reason)
        case = await q.current_form(conn, application_id=application_id)
        await notify.enqueue(conn, user_id=case["applicant_id"], event="gap_notice_added",
                             dedupe_key=f"gap_notice_added:{notice.id}", subject=("application", application_id),
                             params={"serviceName": await service_name(conn, case["service_code"]),
                                     "publicNo": case["public_no"], "items": "、".join(i["name"] for i in added),
                                     "reason": reason, "complain": COMPLAIN})
    return notice


async def additions_of(conn: Any, application_id: int) -> list[GapAdditionOut]:
    """The case's flags: later notices that named something new, with the lead's reason."""
    return [GapAdditionOut(gap_notice_id=r["gap_notice_id"], items=r["items"], reason=r["reason"],
                           override_by=r["override_by"], at=r["created_at"])
            for r in await rows(q.additions_of(conn, application_id=application_id))]


async def count_additions(conn: Any, from_ts: datetime, to_ts: datetime) -> int:
    """The admin's figure "补正后新增告知": overridden later notices in [from_ts, to_ts)."""
    return await q.count_additions(conn, from_ts=from_ts, to_ts=to_ts)
