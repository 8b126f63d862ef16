"""Ending a taxi driver's registration (F020): the original company's 注销, the driver's own request
through 帮办代办 after 5 working days, and staff's check of it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, MultipartBody, QueryParameter
from litestar.response import Stream

from api import clock
from api.agency import card, taxi_end
from api.agency.schemas import (
    DeregistrationRefusalIn, FilingOut, ServiceCardOut, TaxiDeregistrationIn, TaxiDeregistrationRequestOut,
)
from api.auth.guards import requires_approver, requires_login
from api.deps import AppSettings, Conn, CurrentUser
from api.files.openapi import FileUploadOperation
from api.storage import FILE_HEADERS, storage_for


class TaxiDeregistrationController(Controller):
    path = "/agency"
    tags = ["agency"]
    guards = [requires_login]

    @post("/taxi-registrations/{filing_id:int}/deregister", operation_id="deregisterTaxiDriver", status_code=200,
          summary="原出租汽车公司注销驾驶员的从业资格注册（合同解除后，当日办结；电子服务监督卡同时失效）")
    async def deregister(self, filing_id: FromPath[int], data: JSONBody[TaxiDeregistrationIn], conn: Conn,
                         user: CurrentUser, state: State) -> FilingOut:
        return await taxi_end.deregister_by_company(conn, user, filing_id, data, now=clock.now(state))

    @post("/taxi-deregistrations", operation_id="requestTaxiDeregistration", status_code=201,
          summary="驾驶员申请注销从业资格注册（原公司超过5个工作日未办理；multipart：file 解除合同的证明、contractEndedOn）",
          request_max_body_size=10 * 1024 * 1024 + 64 * 1024, operation_class=FileUploadOperation)
    async def request_(self, data: MultipartBody[dict[str, Any]], conn: Conn, user: CurrentUser,
                       settings: AppSettings, state: State) -> TaxiDeregistrationRequestOut:
        return await taxi_end.request_by_driver(conn, user, data, storage_for(settings), now=clock.now(state))

    @get("/taxi-deregistrations", operation_id="listMyTaxiDeregistrations", summary="我的注销注册申请")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[TaxiDeregistrationRequestOut]:
        return await taxi_end.my_requests(conn, user)

    @get("/service-cards/{licence_id:int}", operation_id="getTaxiServiceCard",
         summary="电子服务监督卡（按当前信息显示：驾驶员、资格证号、所属公司、监督电话12328）")
    async def service_card(self, licence_id: FromPath[int], conn: Conn, user: CurrentUser,
                           state: State) -> ServiceCardOut:
        return await card.service_card(conn, user, licence_id, clock.today(state))


class StaffTaxiDeregistrationController(Controller):
    path = "/agency/staff/taxi-deregistrations"
    tags = ["agency"]
    guards = [requires_approver]

    @get("/", operation_id="listTaxiDeregistrationRequests", summary="驾驶员申请的注销注册（待核实、已处理）")
    async def list_(self, conn: Conn, status: Annotated[Literal["pending", "done", "refused"] | None,
                                                        QueryParameter(name="status")] = "pending",
                    ) -> list[TaxiDeregistrationRequestOut]:
        return await taxi_end.staff_requests(conn, status)

    @get("/{request_id:int}/proof", operation_id="getTaxiDeregistrationProof", summary="查看解除合同的证明")
    async def proof(self, request_id: FromPath[int], conn: Conn, user: CurrentUser, settings: AppSettings) -> Stream:
        body, content_type = await taxi_end.proof(conn, user, request_id, storage_for(settings))
        return Stream(body, media_type=content_type,
                      headers={**FILE_HEADERS, "Content-Disposition": "inline; filename*=UTF-8''termination-proof"})

    @post("/{request_id:int}/deregister", operation_id="deregisterTaxiDriverByBureau", status_code=200,
          summary="核实后直接注销从业资格注册（电子服务监督卡同时失效）")
    async def deregister(self, request_id: FromPath[int], conn: Conn, user: CurrentUser,
                         state: State) -> TaxiDeregistrationRequestOut:
        return await taxi_end.deregister_by_bureau(conn, user, request_id, now=clock.now(state))

    @post("/{request_id:int}/refuse", operation_id="refuseTaxiDeregistration", status_code=200,
          summary="不予注销（说明理由，告知驾驶员）")
    async def refuse(self, request_id: FromPath[int], data: JSONBody[DeregistrationRefusalIn], conn: Conn,
                     user: CurrentUser, state: State) -> TaxiDeregistrationRequestOut:
        return await taxi_end.refuse(conn, user, request_id, data, now=clock.now(state))
