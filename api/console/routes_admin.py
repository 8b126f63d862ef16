"""Admin pages: bad reviews to follow up (deadlines), slot generation, reform figures.

Each calls the same service functions, with the same guards, as the admin routes of the API.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.appointments import slots
from api.appointments.schemas import GenerateIn
from api.auth.guards import requires_admin, requires_role
from api.console import service as console
from api.console.charts import reform_charts
from api.console.routes import Form, page
from api.console.schemas import FollowUpForm, SlotForm
from api.deps import Conn, ReadConn
from api.ratings.service import followup
from api.deps import Now
from api.ratings.routes import requires_follow_up_staff
from api.ratings.schemas import CallBackIn, FollowUpIn
from api.stats import service as stats
from api.stats.schemas import Period


class RatingPages(Controller):
    path = "/admin/ratings"
    include_in_schema = False
    guards = [requires_follow_up_staff]

    @get("/", operation_id="consoleBadRatings", summary="工作台：差评回访整改")
    async def bad_ratings(self, request: Request, conn: Conn, now: Now) -> Template:
        items = await followup.admin_list(conn, bad=True, overdue=False, include_voided=False,
                                                  before_id=None, limit=100, now=now)
        return page("ratings.html", request, active="ratings", items=items)

    @get("/{rating_id:int}", operation_id="consoleRating", summary="工作台：差评详情")
    async def rating(self, request: Request, conn: Conn, now: Now, rating_id: FromPath[int]) -> Template:
        return page("rating.html", request, active="ratings", r=await followup.admin_get(conn, rating_id, now=now))

    @post("/{rating_id:int}/call-back", operation_id="consoleRatingCallBack", summary="工作台：登记电话回访",
          status_code=200)
    async def call_back(self, request: Request, conn: Conn, now: Now, rating_id: FromPath[int],
                        data: Annotated[FollowUpForm, Form]) -> Template:
        body = console.convert({"note": data.note}, CallBackIn)
        r = await followup.call_back(conn, rating_id, actor_id=request.user.id, note=body.note, now=now)
        return page("_rating.html", request, r=r, note="已登记回访")

    @post("/{rating_id:int}/follow-up", operation_id="consoleRatingFollowUp", summary="工作台：登记整改结果",
          status_code=200)
    async def follow_up(self, request: Request, conn: Conn, now: Now, rating_id: FromPath[int],
                        data: Annotated[FollowUpForm, Form]) -> Template:
        body = console.convert({"note": data.note, "outcome": data.outcome}, FollowUpIn)
        r = await followup.close(conn, rating_id, actor_id=request.user.id, note=body.note,
                                         outcome=body.outcome, now=now)
        return page("_rating.html", request, r=r, note="整改已办结")


class SlotPages(Controller):
    path = "/admin/slots"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleSlots", summary="工作台：号源生成")
    async def form(self, request: Request, conn: Conn) -> Template:
        return page("slots.html", request, active="slots", sites=await slots.list_sites(conn), today=date.today())

    @post("/", operation_id="consoleSlotsGenerate", summary="工作台：生成号源", status_code=200)
    async def generate(self, request: Request, conn: Conn, data: Annotated[SlotForm, Form]) -> Template:
        values: dict[str, Any] = {"siteId": data.site_id, "dateFrom": data.date_from, "dateTo": data.date_to}
        if data.service_code:
            values["serviceCode"] = data.service_code
        if data.capacity:
            values["capacity"] = data.capacity
        done = await slots.generate(conn, console.convert(values, GenerateIn))
        return page("_slots_done.html", request, done=msgspec.to_builtins(done))


class StatsPages(Controller):
    path = "/admin/stats"
    include_in_schema = False
    guards = [requires_role("admin", "lead")]  # as GET /api/v1/stats/reform

    @get("/", operation_id="consoleReformFigures", summary="工作台：改革成效统计")
    async def figures(self, request: Request, read_conn: ReadConn, now: Now,
                      from_date: Annotated[date | None, QueryParameter(name="from")] = None,
                      to_date: Annotated[date | None, QueryParameter(name="to")] = None,
                      period: Annotated[Period, QueryParameter()] = "month") -> Template:
        to_date = to_date or now.date()
        from_date = from_date or to_date - timedelta(days=180)
        figures = await stats.reform(read_conn, from_date=from_date, to_date=to_date, service_code=None,
                                     period=period, now=now)
        return page("stats.html", request, active="stats", f=figures, t=figures.total, charts=reform_charts(figures))
