"""The paper licence after the decision: staff of the deciding step ship it or hand it over at the
window; the applicant follows it, changes the address before it leaves, prints the proxy's letter.
(Documented under the ``approvals`` tag, where these routes have always been.)"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, MediaType, Response, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth.guards import requires_approver, requires_login, requires_role
from api import clock
from api.applications.schemas import LicenceOut
from api.deps import Conn, CurrentUser, Now
from api.idempotency import IdempotencyKey, run_once
from api.licences.service import delivery, lifecycle, my_delivery, pickup
from api.licences.schemas import (
    DeliveryChangeIn, DeliveryOut, HandOverIn, LicenceActionOut, LicenceVoidIn, MyDeliveryOut, ReshipmentIn,
    ShipmentIn,
)

CursorQuery = Annotated[str | None, QueryParameter(name="cursor", pattern=r"^[0-9]{1,18}$")]
LimitQuery = Annotated[int, QueryParameter(name="limit", ge=1, le=50)]


class DeliveryController(Controller):
    path = "/deliveries"
    tags = ["approvals"]
    guards = [requires_approver]

    @get("/", operation_id="listDeliveries", summary="本环节待寄送、待领取的证件（查看留痕）")
    async def list_deliveries(self, conn: Conn, user: CurrentUser,
                              status: Annotated[Literal["pending", "shipped", "picked_up"] | None,
                                                QueryParameter(name="status")] = "pending",
                              method: Annotated[Literal["express", "pickup"] | None, QueryParameter(name="method")] = None,
                              cursor: CursorQuery = None, limit: LimitQuery = 20) -> dict[str, Any]:
        items, next_cursor = await delivery.list_deliveries(conn, user, status=status, method=method,
                                                            cursor=cursor, limit=limit)
        return {"items": items, "nextCursor": next_cursor}

    @post("/{delivery_id:int}/shipment", operation_id="shipLicence", summary="登记快递单号（证件寄出）",
          status_code=200)
    async def ship(self, conn: Conn, user: CurrentUser, delivery_id: FromPath[int], data: JSONBody[ShipmentIn]) -> DeliveryOut:
        return await delivery.ship(conn, user, delivery_id, data.tracking_no)

    @post("/{delivery_id:int}/reshipment", operation_id="reshipLicence",
          summary="证件寄丢或退回：免费补发，登记新的快递单号", status_code=200)
    async def reship(self, conn: Conn, user: CurrentUser, delivery_id: FromPath[int], data: JSONBody[ReshipmentIn],
                     idempotency_key: IdempotencyKey = None) -> DeliveryOut:
        return await run_once(conn, user_id=user.id, scope=f"approvals.reshipment.{delivery_id}", key=idempotency_key,
                              payload=data, result_type=DeliveryOut,
                              action=lambda: delivery.reship(conn, user, delivery_id, data))

    @post("/{delivery_id:int}/pickup", operation_id="handOverLicence",
          summary="窗口领取登记（本人领取，或代领人凭授权委托书领取）", status_code=200)
    async def pickup(self, conn: Conn, user: CurrentUser, delivery_id: FromPath[int],
                     data: JSONBody[HandOverIn | None] = None) -> DeliveryOut:
        return await delivery.hand_over(conn, user, delivery_id, data)


class MyDeliveryController(Controller):
    """The applicant's own case: how the paper licence comes and the change of address before it is
    shipped (F128/F129), the authorisation letter a proxy brings to the window (F131)."""

    path = "/applications"
    tags = ["approvals"]
    guards = [requires_login]

    @get("/{application_id:int}/delivery", operation_id="getMyDelivery",
         summary="证件领取方式、快递单号和寄送状态")
    async def delivery(self, conn: Conn, user: CurrentUser, application_id: FromPath[int]) -> MyDeliveryOut:
        return await my_delivery.my_delivery(conn, user, application_id)

    @put("/{application_id:int}/delivery", operation_id="changeMyDelivery",
         summary="修改收件地址或改为窗口自取（证件寄出前）")
    async def change_delivery(self, conn: Conn, user: CurrentUser, application_id: FromPath[int],
                              data: JSONBody[DeliveryChangeIn], now: Now) -> MyDeliveryOut:
        return await my_delivery.change_delivery(conn, user, application_id, data, clock.local_day(now))

    @get("/{application_id:int}/pickup-authorisation", operation_id="getPickupAuthorisationLetter",
         summary="下载代领证件授权委托书模板", media_type=MediaType.HTML)
    async def letter(self, conn: Conn, user: CurrentUser, application_id: FromPath[int]) -> Response[str]:
        page = await pickup.authorisation_letter(conn, user, application_id)
        return Response(page, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})


class LicenceLifecycleController(Controller):
    """A licence's life after issue (issue 22): what its holder may apply for on it (换证 from 90 days
    before expiry, 补发, 变更, 注销), and staff voiding (作废) with a reason."""

    path = "/licences/{licence_id:int}"
    tags = ["applications"]
    guards = [requires_login]

    @get("/actions", operation_id="listLicenceActions", summary="该证照可办理的换证、补发、变更、注销事项")
    async def actions(self, conn: Conn, user: CurrentUser, licence_id: FromPath[int],
                      now: Now) -> list[LicenceActionOut]:
        return await lifecycle.actions(conn, user, licence_id, clock.local_day(now))

    @post("/void", operation_id="voidLicence", summary="作废证照（工作人员，须说明理由，记入审计链）",
          status_code=200, guards=[requires_role("lead", "admin")])
    async def void(self, conn: Conn, user: CurrentUser, licence_id: FromPath[int], data: JSONBody[LicenceVoidIn],
                   now: Now) -> LicenceOut:
        return await lifecycle.void(conn, user, licence_id, data.reason.strip(), now=now)
