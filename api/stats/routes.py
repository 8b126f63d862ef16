from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from api.auth.guards import requires_role
from api.deps import Now, ReadConn
from api.stats import service
from api.stats.schemas import Period, ReformFigures, TripsByDesign


class StatsController(Controller):
    path = "/stats"
    tags = ["stats"]
    guards = [requires_role("admin", "lead")]

    @get("/reform", operation_id="reformFigures", summary="改革成效统计（按期间、按事项）")
    async def reform(self, read_conn: ReadConn, now: Now,
                     from_date: Annotated[date, QueryParameter(name="from")],
                     to_date: Annotated[date, QueryParameter(name="to")],
                     service_code: Annotated[str | None, QueryParameter(name="serviceCode",
                                                                        pattern=r"^[a-z][a-z0-9-]{1,63}$")] = None,
                     period: Annotated[Period, QueryParameter()] = "month") -> ReformFigures:
        return await service.reform(read_conn, from_date=from_date, to_date=to_date, service_code=service_code,
                                    period=period, now=now)

    @get("/trips-by-design", operation_id="tripsByDesign", summary="各事项按设计需跑动的次数及原因（来自事项目录）")
    async def trips_by_design(self, read_conn: ReadConn) -> TripsByDesign:
        return await service.trips_by_design(read_conn)
