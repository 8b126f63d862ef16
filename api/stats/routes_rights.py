"""The figures of the applicant's rights during a case (issue 23) an admin or lead sees (效能督查)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from api.applications import service as applications
from api.auth.guards import requires_role
from api.clock import at
from api.deps import ReadConn
from api.errors import BadRequest
from api.types import Schema


class RightsRangeInvalid(BadRequest):
    """统计期间不正确：开始日期不能晚于结束日期，且不超过一年。"""

    code = "rights_range_invalid"


class RightsFigures(Schema):
    """补正后新增告知 (F096): later gap notices that named something new, with a lead's override."""

    from_date: date
    to_date: date
    gap_notices_added_after_notice: int


class RightsFiguresController(Controller):
    path = "/stats"
    tags = ["stats"]
    guards = [requires_role("admin", "lead")]

    @get("/rights", operation_id="rightsFigures", summary="办事权益统计（补正后新增告知等）")
    async def rights(self, read_conn: ReadConn, from_date: Annotated[date, QueryParameter(name="from")],
                     to_date: Annotated[date, QueryParameter(name="to")]) -> RightsFigures:
        if from_date > to_date or (to_date - from_date).days > 366:
            raise RightsRangeInvalid(field="from")
        start, end = at(from_date, time(0)), at(to_date + timedelta(days=1), time(0))
        return RightsFigures(from_date=from_date, to_date=to_date,
                             gap_notices_added_after_notice=await applications.count_additions(read_conn, start, end))
