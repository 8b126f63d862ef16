"""为他人代办 (F093): the agent's filings and letter, the principal's confirmation, refusal or withdrawal."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, MultipartBody, PathParameter

from api import clock
from api.agency import service, taxi
from api.agency.schemas import ConfirmIn, FilingIn, FilingOut, TaxiRegistrationIn
from api.auth.guards import requires_login
from api.deps import AppSettings, Conn, CurrentUser
from api.files.openapi import FileUploadOperation
from api.idempotency import IdempotencyKey, run_once
from api.storage import storage_for

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
Upload = MultipartBody[dict[str, Any]]


class AgencyController(Controller):
    path = "/agency"
    tags = ["agency"]
    guards = [requires_login]

    @post("/filings", operation_id="fileForAnother",
          summary="为他人代办：填写申请人姓名、身份证号、手机号，以申请人名义新建申请草稿")
    async def file(self, data: JSONBody[FilingIn], conn: Conn, user: CurrentUser, settings: AppSettings,
                   state: State, idempotency_key: IdempotencyKey = None) -> FilingOut:
        return await run_once(conn, user_id=user.id, scope="agency_file", key=idempotency_key, payload=data,
                              action=lambda: service.file(conn, user, data, storage_for(settings),
                                                          now=clock.now(state)),
                              result_type=FilingOut)

    @get("/filings", operation_id="listMyAgencyFilings", summary="我代办的申请")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[FilingOut]:
        return await service.filings(conn, user, as_agent=True)

    @get("/requests", operation_id="listAgencyRequests", summary="他人为我代办的申请（待确认事项）")
    async def requests(self, conn: Conn, user: CurrentUser) -> list[FilingOut]:
        return await service.filings(conn, user, as_agent=False)

    @get("/filings/{filing_id:int}", operation_id="getAgencyFiling", summary="代办详情（代办人或申请人）")
    async def one(self, filing_id: Id, conn: Conn, user: CurrentUser) -> FilingOut:
        return await service.one(conn, user, filing_id)

    @post("/filings/{filing_id:int}/letter", operation_id="uploadAuthorisationLetter",
          summary="上传申请人签字的授权委托书（multipart：file；随后向申请人发送确认短信）",
          request_max_body_size=10 * 1024 * 1024 + 64 * 1024, operation_class=FileUploadOperation, status_code=200)
    async def letter(self, filing_id: Id, data: Upload, conn: Conn, user: CurrentUser,
                     settings: AppSettings) -> FilingOut:
        return await service.upload_letter(conn, user, filing_id, data, storage_for(settings))

    @post("/filings/{filing_id:int}/confirm", operation_id="confirmAgency",
          summary="申请人凭短信确认码确认代办", status_code=200)
    async def confirm(self, filing_id: Id, data: JSONBody[ConfirmIn], conn: Conn, user: CurrentUser,
                      state: State) -> FilingOut:
        return await service.confirm(conn, user, filing_id, data, now=clock.now(state))

    @post("/filings/{filing_id:int}/refuse", operation_id="refuseAgency",
          summary="申请人拒绝代办（已确认的为撤回授权）", status_code=200)
    async def refuse(self, filing_id: Id, conn: Conn, user: CurrentUser, state: State) -> FilingOut:
        return await service.refuse(conn, user, filing_id, now=clock.now(state))

    @post("/taxi-registrations", operation_id="registerTaxiDriver",
          summary="出租汽车公司为驾驶员提交从业资格注册（以企业身份；驾驶员确认后方可提交）")
    async def taxi_register(self, data: JSONBody[TaxiRegistrationIn], conn: Conn, user: CurrentUser,
                            settings: AppSettings, state: State, idempotency_key: IdempotencyKey = None) -> FilingOut:
        return await run_once(conn, user_id=user.id, scope="taxi_registration", key=idempotency_key, payload=data,
                              action=lambda: taxi.register(conn, user, data, storage_for(settings),
                                                           now=clock.now(state)),
                              result_type=FilingOut)

    @get("/taxi-registrations", operation_id="listTaxiRegistrations",
         summary="本公司驾驶员的从业资格注册及电子服务监督卡")
    async def taxi_list(self, conn: Conn, user: CurrentUser) -> list[FilingOut]:
        return await taxi.of_company(conn, user)
