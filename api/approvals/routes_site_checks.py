"""F071: on-site checks after 一类/二类 repair filings — staff list, agree the visit, record the result;
the company sees its own filing's checks."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from api.approvals.schemas_site_checks import SiteCheckOut, SiteCheckResultIn, VisitIn
from api.approvals.service import site_checks
from api.auth.guards import requires_approver, requires_login
from api.deps import Conn, CurrentUser, Now


class SiteCheckController(Controller):
    path = "/site-checks"
    tags = ["approvals"]
    guards = [requires_approver]

    @get("/", operation_id="listSiteChecks", summary="备案后现场核查：待核查清单（30日内，超期在前）")
    async def list_open(self, conn: Conn, now: Now) -> list[SiteCheckOut]:
        return await site_checks.open_checks(conn, now)

    @post("/{check_id:int}/visit", operation_id="agreeSiteVisit", summary="约定上门核查时间（通知企业）",
          status_code=200)
    async def agree(self, conn: Conn, user: CurrentUser, check_id: FromPath[int], data: JSONBody[VisitIn],
                    now: Now) -> SiteCheckOut:
        return await site_checks.agree(conn, user, check_id, data, now)

    @post("/{check_id:int}/result", operation_id="recordSiteCheckResult",
          summary="记录核查结果（不通过时一次性告知全部整改事项）", status_code=200)
    async def result(self, conn: Conn, user: CurrentUser, check_id: FromPath[int],
                     data: JSONBody[SiteCheckResultIn], now: Now) -> SiteCheckOut:
        return await site_checks.record_result(conn, user, check_id, data, now)


class CaseSiteCheckController(Controller):
    path = "/applications"
    tags = ["approvals"]
    guards = [requires_login]

    @get("/{application_id:int}/site-checks", operation_id="listApplicationSiteChecks",
         summary="我的备案的现场核查（时间、结果、整改事项）")
    async def of_case(self, conn: Conn, user: CurrentUser, application_id: FromPath[int],
                      now: Now) -> list[SiteCheckOut]:
        return await site_checks.of_case(conn, user, application_id, now)
