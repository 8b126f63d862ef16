"""F071's on-site checks after 一类/二类 repair filings in the console: the open checks (overdue first,
escalated ones marked), agreeing the visit with the company, recording pass or fail with the one
complete rectification notice. The same ``api.approvals`` service functions, guard and clock as
``/api/v1/site-checks``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from api.approvals.schemas_site_checks import SiteCheckResultIn, VisitIn
from api.approvals.service import site_checks
from api.auth.guards import requires_approver
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn, Now

STATUS_LABELS = {"scheduled": "待约定时间", "agreed": "已约定上门", "passed": "核查通过", "failed": "不通过，已告知整改"}
CATEGORY_LABELS = {"class1": "一类", "class2": "二类"}
LABELS = {"check_statuses": STATUS_LABELS, "categories": CATEGORY_LABELS}


def result_values(form: Any) -> dict[str, Any]:
    """pass, or fail with one rectification item a line ("事项：要求" or just the item)."""
    items = []
    for line in (form.get("items") or "").splitlines():
        item, _, requirement = line.strip().replace(":", "：").partition("：")
        if item.strip():
            items.append({"item": item.strip(), "requirement": requirement.strip()})
    return {"result": form.get("result") or "", "items": items, "note": (form.get("note") or "").strip()}


class SiteCheckPages(Controller):
    path = "/site-checks"
    include_in_schema = False
    guards = [requires_approver]

    @get("/", operation_id="consoleSiteChecks", summary="工作台：备案后现场核查（超期在前）")
    async def index(self, request: Request, conn: Conn, now: Now) -> Template:
        checks = await site_checks.open_checks(conn, now)
        return page("site_checks.html", request, active="site-checks", checks=checks, **LABELS)

    @post("/{check_id:int}/visit", operation_id="consoleSiteCheckVisit", summary="工作台：约定上门核查时间",
          status_code=200)
    async def visit(self, request: Request, conn: Conn, now: Now, check_id: FromPath[int]) -> Template:
        form = await request.form()
        values = forms.given(form, "visit_at", "address", rename={"visit_at": "visitAt"})
        if len(values.get("visitAt", "")) == 16:  # a datetime-local field: "2026-06-18T10:00", Beijing time
            values["visitAt"] += ":00"
        data = console.convert(values, VisitIn)
        c = await site_checks.agree(conn, request.user, check_id, data, now)
        return page("_site_check.html", request, c=c, note="已约定上门时间，已通知企业", **LABELS)

    @post("/{check_id:int}/result", operation_id="consoleSiteCheckResult", summary="工作台：记录现场核查结果",
          status_code=200)
    async def result(self, request: Request, conn: Conn, now: Now, check_id: FromPath[int]) -> Template:
        data = console.convert(result_values(await request.form()), SiteCheckResultIn)
        c = await site_checks.record_result(conn, request.user, check_id, data, now)
        note = "已记录：核查通过" if c.status == "passed" else f"已一次性告知企业 {len(c.rectification_items or [])} 项整改事项"
        return page("_site_check.html", request, c=c, note=note, **LABELS)
