"""The applicant's rights that staff answer, in the console (issue 23): F051's manual re-review of the
automatic review (uphold with a reason, or override ticked failed checks) and F109's 催办 (answer
within 1 working day; leads and admins also see the 效能督查 list). The same service functions,
guards and clock as ``/api/v1/rereviews`` and ``/api/v1/urgings``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from api.applications import service as applications
from api.applications.schemas_rights import RereviewDecisionIn
from api.approvals.schemas_rights import UrgeAnswerIn
from api.approvals.service import urging
from api.auth.guards import requires_approver
from api.clock import local_day
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.console.service import FormInvalid
from api.deps import Conn, Now

REREVIEW_LABELS = {"open": "待处理", "upheld": "已维持智能审核结果", "overridden": "已改判"}


def rereview_values(form: Any) -> dict[str, Any]:
    """Uphold, or override the ticked failed checks; a reason either way (the applicant reads it).
    What is missing is said at once, in words (the API's own checks still apply after)."""
    outcome = form.get("outcome") or ""
    checks = forms.checked(form, "checks") if outcome == "override" else []
    reason = (form.get("reason") or "").strip()
    missing = [message for wrong, message in (
        (outcome not in ("uphold", "override"), "请选择“维持智能审核结果”或“改判勾选的核查项”"),
        (outcome == "override" and not checks, "改判须勾选至少一项智能审核未通过的核查项"),
        (not reason, "请填写理由：维持或改判都须说明理由，理由会告知申请人"),
    ) if wrong]
    if missing:
        raise FormInvalid("；".join(missing) + "。")
    return {"outcome": outcome, "reason": reason, "checks": checks}


def answer_values(form: Any) -> dict[str, Any]:
    text = (form.get("text") or "").strip()
    if not text:
        raise FormInvalid("请填写答复内容，答复会告知申请人。")
    return {"text": text}


class RereviewPages(Controller):
    path = "/rereviews"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleRereviews", summary="工作台：人工复核申请（超期在前）")
    async def index(self, request: Request, conn: Conn, now: Now) -> Template:
        items = await applications.open_rereviews(conn, request.user)
        return page("rereviews.html", request, active="rereviews", items=items, today=local_day(now),
                    rereview_labels=REREVIEW_LABELS)

    @post("/{rereview_id:int}/decision", operation_id="consoleRereviewDecision", summary="工作台：处理人工复核",
          status_code=200)
    async def decide(self, request: Request, conn: Conn, now: Now, rereview_id: FromPath[int]) -> Template:
        data = console.convert(rereview_values(await request.form()), RereviewDecisionIn)
        r = await applications.decide_rereview(conn, request.user, rereview_id, data, now)
        note = "已改判勾选的核查项为通过，已告知申请人" if r.status == "overridden" else "已维持智能审核结果，已告知申请人"
        return page("_rereview.html", request, r=r, note=note, today=local_day(now), rereview_labels=REREVIEW_LABELS)


class UrgingPages(Controller):
    path = "/urgings"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleUrgings", summary="工作台：催办答复与效能督查")
    async def index(self, request: Request, conn: Conn, now: Now) -> Template:
        # leads and admins: the 效能督查 list as GET /urgings gives it; everyone: the other unanswered
        # urgings they may answer (an older urging of a case, a case decided since), each shown once
        supervised = await urging.supervision(conn, request.user) if request.user.has("lead", "admin") else None
        shown = {u.id for u in supervised or []}
        mine = [u for u in await urging.to_answer(conn, request.user) if u.id not in shown]
        return page("urgings.html", request, active="urgings", supervised=supervised, mine=mine,
                    today=local_day(now))

    @post("/{urging_id:int}/answer", operation_id="consoleUrgingAnswer", summary="工作台：答复催办", status_code=200)
    async def answer(self, request: Request, conn: Conn, now: Now, urging_id: FromPath[int]) -> Template:
        data = console.convert(answer_values(await request.form()), UrgeAnswerIn)
        u = await urging.answer(conn, request.user, urging_id, data.text, now)
        return page("_urging.html", request, u=u, note="已答复，申请人可在办件详情中看到", today=local_day(now))
