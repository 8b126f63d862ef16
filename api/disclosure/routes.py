from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, PathParameter, QueryParameter

from api import ratelimit
from api.auth.guards import requires_login
from api.deps import AppSettings, Conn, CurrentUser, ReadConn, Redis, WeChat
from api.disclosure import mobile, page, service
from api.errors import DomainError
from api.identity import require_verified
from api.disclosure.schemas import DecisionsOut, VerificationLinkOut, VerificationOut
from api.types import ServiceCode

PUBLIC = {"exclude_from_auth": True}
LicenceId = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]  # bigint: larger is a 400, not a DB error
# Open to anyone: per account when signed in, else per address (many phones share a carrier's
# address), each with its own counter in Redis (api/ratelimit.py).
public_rate_limit = ratelimit.limit("public-decisions", ("minute", 120), key=ratelimit.per_account)
verify_rate_limit = ratelimit.limit("verify-licence", ("minute", 120), key=ratelimit.per_account)


class PublicDecisionsController(Controller):
    path = "/public/decisions"
    tags = ["open data"]
    middleware = [public_rate_limit.middleware]

    @get("/", opt=PUBLIC, operation_id="listPublicDecisions", summary="许可结果公示（免登录，不含个人信息）")
    async def decisions(self, read_conn: ReadConn,
                        service_code: Annotated[ServiceCode | None, QueryParameter(name="serviceCode")] = None,
                        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
                        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
                        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 100,
                        offset: Annotated[int, QueryParameter(ge=0, le=100000)] = 0) -> DecisionsOut:
        return await service.decisions(read_conn, service_code=service_code, date_from=date_from, date_to=date_to,
                                       limit=limit, offset=offset)


class LicenceQrController(Controller):
    # A path of its own so it never clashes with the applications area's LicenceController ("/licences").
    path = "/licences/{licence_id:int}"
    tags = ["open data"]
    guards = [requires_login]

    @get("/qr.png", operation_id="getLicenceQr", summary="电子证照核验二维码（持证人）")
    async def qr(self, licence_id: LicenceId, conn: Conn, user: CurrentUser,
                 settings: AppSettings) -> Response[bytes]:
        if not user.is_staff:  # F088: showing one's licence needs a verified person (staff: 404, never theirs)
            await require_verified(conn, user.id)
        png = await service.licence_qr(conn, user, licence_id, settings)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})

    @get("/verification-link", operation_id="getLicenceVerificationLink",
         summary="电子证照核验链接（持证人，亮证时由小程序生成二维码）")
    async def link(self, licence_id: LicenceId, conn: Conn, user: CurrentUser,
                   settings: AppSettings) -> VerificationLinkOut:
        if not user.is_staff:
            await require_verified(conn, user.id)
        return await service.verification_link(conn, user, licence_id, settings)


class VerifyController(Controller):
    """Outside /api/v1: the link printed in the QR code must stay short and stable."""

    path = "/verify"
    tags = ["open data"]
    middleware = [verify_rate_limit.middleware]

    # A phone camera opens the link in a browser (Accept: text/html): a small page; WeChat's browser the
    # mini-program's verification page (api/disclosure/mobile.py); programs get JSON.
    @get("/{token:str}", opt=PUBLIC, operation_id="verifyLicence", summary="电子证照真伪核验（免登录）",
         exception_handlers={DomainError: page.refused})
    async def verify(self, request: Request, token: FromPath[str], read_conn: ReadConn, redis: Redis, wechat: WeChat,
                     settings: AppSettings) -> Response[VerificationOut]:
        return await mobile.verify(request, read_conn, redis, wechat, settings, token)
