"""Enterprises for their legal representative and 经办人, the acting subject, and staff's review of
business-licence photos (F091-F092)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, delete, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, MultipartBody, PathParameter, QueryParameter
from litestar.response import Stream

from api import clock
from api.auth.guards import requires_approver, requires_login
from api.deps import AppSettings, Conn, CurrentUser, Jwt, Pool
from api.enterprises import service
from api.enterprises.registry import registry_for
from api.enterprises.schemas import (ActingSubjectOut, ActingToken, AgentOut, EnterpriseIn, EnterpriseOut,
                                     EnterpriseRefusalIn, EnterpriseReviewOut, GrantChange, GrantEventOut, GrantIn,
                                     SwitchIn)
from api.files.openapi import FileUploadOperation
from api.idempotency import IdempotencyKey, run_once
from api.storage import FILE_HEADERS, storage_for

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
Upload = MultipartBody[dict[str, Any]]


class EnterpriseController(Controller):
    path = "/enterprises"
    tags = ["enterprises"]
    guards = [requires_login]

    @post("/", operation_id="registerEnterprise", summary="法定代表人认证企业（自动核验营业执照登记信息）")
    async def register(self, data: JSONBody[EnterpriseIn], pool: Pool, user: CurrentUser, settings: AppSettings,
                       state: State) -> EnterpriseOut:
        return await service.register(pool, registry_for(settings), user, data, now=clock.now(state))

    @get("/", operation_id="listMyEnterprises", summary="我的企业（法定代表人或经办人）")
    async def mine(self, conn: Conn, user: CurrentUser) -> list[EnterpriseOut]:
        return await service.mine(conn, user)

    @get("/{enterprise_id:int}", operation_id="getMyEnterprise", summary="企业详情")
    async def one(self, enterprise_id: Id, conn: Conn, user: CurrentUser) -> EnterpriseOut:
        return await service.one(conn, user, enterprise_id)

    @post("/{enterprise_id:int}/licence-photo", operation_id="uploadBusinessLicencePhoto",
          summary="登记信息无法自动核验时上传营业执照照片（multipart：file；1个工作日内人工审核）",
          request_max_body_size=10 * 1024 * 1024 + 64 * 1024, operation_class=FileUploadOperation, status_code=200)
    async def photo(self, enterprise_id: Id, data: Upload, conn: Conn, user: CurrentUser, settings: AppSettings,
                    state: State) -> EnterpriseOut:
        return await service.upload_photo(conn, user, enterprise_id, data, storage_for(settings),
                                          now=clock.now(state))

    @get("/{enterprise_id:int}/agents", operation_id="listEnterpriseAgents", summary="经办人及其授权")
    async def agents(self, enterprise_id: Id, conn: Conn, user: CurrentUser) -> list[AgentOut]:
        return await service.agents(conn, user, enterprise_id)

    @post("/{enterprise_id:int}/agents", operation_id="grantEnterpriseAgent",
          summary="按手机号添加已实名的经办人并授权事项（或全部事项）")
    async def grant(self, enterprise_id: Id, data: JSONBody[GrantIn], conn: Conn, user: CurrentUser,
                    state: State, idempotency_key: IdempotencyKey = None) -> AgentOut:
        # a retried invitation returns the first answer instead of recording a second grant
        return await run_once(conn, user_id=user.id, scope=f"enterprise_grant:{enterprise_id}", key=idempotency_key,
                              payload=data, result_type=AgentOut,
                              action=lambda: service.grant_services(conn, user, enterprise_id, data,
                                                                    now=clock.now(state)))

    @put("/{enterprise_id:int}/agents/{agent_id:int}", operation_id="changeEnterpriseAgent",
         summary="调整经办人的授权事项（下一次请求起生效）")
    async def change(self, enterprise_id: Id, agent_id: Id, data: JSONBody[GrantChange], conn: Conn,
                     user: CurrentUser, state: State) -> AgentOut:
        return await service.change(conn, user, enterprise_id, agent_id, data, now=clock.now(state))

    @delete("/{enterprise_id:int}/agents/{agent_id:int}", operation_id="revokeEnterpriseAgent",
            summary="取消经办人授权（下一次请求起生效，草稿仍归企业）", status_code=200)
    async def revoke(self, enterprise_id: Id, agent_id: Id, conn: Conn, user: CurrentUser,
                     state: State) -> AgentOut:
        return await service.revoke(conn, user, enterprise_id, agent_id, now=clock.now(state))

    @get("/{enterprise_id:int}/grant-events", operation_id="listEnterpriseGrantEvents",
         summary="经办人授权、调整和取消的记录")
    async def events(self, enterprise_id: Id, conn: Conn, user: CurrentUser) -> list[GrantEventOut]:
        return await service.grant_events(conn, user, enterprise_id)


class ActingSubjectController(Controller):
    path = "/me/subjects"
    tags = ["enterprises"]
    guards = [requires_login]

    @get("/", operation_id="listMySubjects", summary="可切换的办事身份（个人及可代表的企业）")
    async def subjects(self, conn: Conn, user: CurrentUser) -> list[ActingSubjectOut]:
        return await service.subjects(conn, user)

    @post("/switch", operation_id="switchSubject", summary="切换办事身份（返回带办事主体的新访问令牌）",
          status_code=200)
    async def switch(self, data: JSONBody[SwitchIn], conn: Conn, jwt: Jwt, user: CurrentUser) -> ActingToken:
        return await service.switch(conn, jwt, user, data.enterprise_id)


class StaffEnterpriseController(Controller):
    path = "/staff/enterprises"
    tags = ["enterprises"]
    guards = [requires_approver]

    @get("/", operation_id="listEnterpriseReviews", summary="待人工审核的营业执照照片")
    async def queue(self, conn: Conn, status: Annotated[Literal["pending", "verified", "refused", "awaiting_photo"],
                                                       QueryParameter()] = "pending") -> list[EnterpriseReviewOut]:
        return await service.queue(conn, status)

    @get("/{enterprise_id:int}/photo", operation_id="getBusinessLicencePhoto", summary="查看营业执照照片")
    async def photo(self, enterprise_id: Id, conn: Conn, settings: AppSettings) -> Stream:
        body, content_type = await service.photo(conn, enterprise_id, storage_for(settings))
        return Stream(body, media_type=content_type, headers=FILE_HEADERS)

    @post("/{enterprise_id:int}/approve", operation_id="approveEnterprise", summary="营业执照核验通过",
          status_code=200)
    async def approve(self, enterprise_id: Id, conn: Conn, user: CurrentUser, state: State) -> EnterpriseReviewOut:
        return await service.approve(conn, user, enterprise_id, now=clock.now(state))

    @post("/{enterprise_id:int}/refuse", operation_id="refuseEnterprise", summary="营业执照核验不通过（告知原因）",
          status_code=200)
    async def refuse(self, enterprise_id: Id, data: JSONBody[EnterpriseRefusalIn], conn: Conn, user: CurrentUser,
                     state: State) -> EnterpriseReviewOut:
        return await service.refuse(conn, user, enterprise_id, data, now=clock.now(state))
