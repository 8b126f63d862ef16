"""The account's own phone and life (F085-F087, F146): bind by SMS, change the phone, face check, close."""

from __future__ import annotations

from litestar import Controller, post
from litestar.datastructures import State
from litestar.params import JSONBody

from api import clock
from api.auth.guards import requires_login
from api.auth import sms
from api.auth.schemas import UserOut
from api.auth.schemas_accounts import AccountClose, AccountClosed, PhoneBound, PhoneChange, PhoneSmsBind
from api.auth.service import closing, phone
from api.deps import AppSettings, Conn, CurrentUser, Jwt, Pool, Redis
from api.identity import recheck
from api.identity.schemas import VerificationStarted


class MyAccountController(Controller):
    path = "/me"
    tags = ["auth"]
    guards = [requires_login]

    @post("/phone/sms", operation_id="bindPhoneBySms", summary="用短信验证码绑定手机号（同一手机号的账号合并为一个）",
          status_code=200)
    async def bind_by_sms(self, data: JSONBody[PhoneSmsBind], conn: Conn, redis: Redis, jwt: Jwt,
                          user: CurrentUser, settings: AppSettings, state: State) -> PhoneBound:
        await sms.check_code(conn, phone=data.phone, code=data.code, secret=settings.jwt_secret)
        return await phone.bind(conn, redis, jwt, user, data.phone, now=clock.now(state),
                                refresh_days=settings.refresh_token_days, token_minutes=settings.access_token_minutes)

    @post("/phone/change", operation_id="changePhone", summary="更换手机号（原手机号验证码或刷脸验证，新手机号验证码）",
          status_code=200)
    async def change_phone(self, data: JSONBody[PhoneChange], conn: Conn, user: CurrentUser, settings: AppSettings,
                           state: State) -> UserOut:
        return await phone.change(conn, user, new_phone=data.new_phone, new_code=data.new_code,
                                  old_code=data.old_code, face_check_id=data.face_check_id,
                                  secret=settings.jwt_secret, now=clock.now(state))

    @post("/account/face-checks", operation_id="startAccountFaceCheck",
          summary="刷脸验证本人（更换手机号、注销账号前；随后查询结果）", status_code=201)
    async def face_check(self, pool: Pool, user: CurrentUser, settings: AppSettings,
                         state: State) -> VerificationStarted:
        return await recheck.start(pool, settings, user_id=user.id, now=clock.now(state))

    @post("/account/close", operation_id="closeAccount", summary="注销账号", status_code=200)
    async def close(self, data: JSONBody[AccountClose], conn: Conn, redis: Redis, user: CurrentUser,
                    settings: AppSettings, state: State) -> AccountClosed:
        return await closing.close(conn, redis, user, code=data.code, face_check_id=data.face_check_id,
                                   secret=settings.jwt_secret, now=clock.now(state),
                                   token_minutes=settings.access_token_minutes)
