"""The person's own identity and WeChat face verification (F084-F089)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, PathParameter

from api import clock
from api.auth.guards import requires_login
from api.deps import AppSettings, Conn, CurrentUser, Jwt, Pool
from api.idempotency import IdempotencyKey
from api.identity import face
from api.identity.schemas import IdentityOut, StartVerification, VerificationResult, VerificationStarted

Id = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]


class MyIdentityController(Controller):
    path = "/me/identity"
    tags = ["identity"]
    guards = [requires_login]

    @get("", operation_id="getMyIdentity", summary="我的实名认证")
    async def mine(self, conn: Conn, user: CurrentUser, state: State) -> IdentityOut:
        return await face.my_identity(conn, user.id, clock.now(state))

    @post("/verifications", operation_id="startFaceVerification", summary="发起人脸核身（获取 verifyId）",
          status_code=201)
    async def start(self, data: JSONBody[StartVerification], pool: Pool, user: CurrentUser, settings: AppSettings,
                    state: State, idempotency_key: IdempotencyKey = None) -> VerificationStarted:
        return await face.start(pool, settings, user_id=user.id, name=data.name, id_number=data.id_number,
                                now=clock.now(state), idempotency_key=idempotency_key)

    @post("/verifications/{verification_id:int}/result", operation_id="checkFaceVerification",
          summary="查询人脸核身结果并完成实名认证", status_code=200)
    async def result(self, verification_id: Id, pool: Pool, user: CurrentUser, settings: AppSettings,
                     jwt: Jwt, state: State) -> VerificationResult:
        return await face.result(pool, settings, user_id=user.id, attempt_id=verification_id,
                                 now=clock.now(state), auth=jwt)
