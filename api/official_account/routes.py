from __future__ import annotations

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from api import clock
from api.deps import AppSettings, Conn, Redis
from api.official_account import service
from wechat.push import MAX_BODY, push_too_large


class OfficialAccountPushController(Controller):
    """The official account's (公众号) message push: follow and unfollow events."""

    path = "/wechat/oa-push"
    tags = ["wechat"]

    @get("/", opt={"exclude_from_auth": True}, operation_id="wechatOfficialAccountPushVerify",
         summary="公众号消息推送：服务器地址校验", media_type=MediaType.TEXT)
    async def verify(self, request: Request, settings: AppSettings, redis: Redis, state: State) -> str:
        return await service.verify_oa_push_url(redis, dict(request.query_params), settings, now=clock.now(state))

    @post("/", opt={"exclude_from_auth": True}, operation_id="wechatOfficialAccountPush",
          summary="公众号消息推送：关注与取消关注", media_type=MediaType.TEXT, status_code=200,
          request_max_body_size=MAX_BODY, exception_handlers={RequestEntityTooLarge: push_too_large})
    async def receive(self, request: Request, conn: Conn, settings: AppSettings, redis: Redis,
                      state: State) -> Response[str]:
        await service.receive_oa_push(conn, redis, await request.body(), dict(request.query_params), settings,
                                      now=clock.now(state))
        return Response("success", media_type=MediaType.TEXT)
