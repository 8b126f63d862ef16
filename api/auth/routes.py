from __future__ import annotations

import dataclasses

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from api import clock, ratelimit
from api.auth import devices, service, sms
from api.auth.service import address as account_address, phone, staff
from api.auth.schemas_accounts import PhoneBound
from api.db import transaction
from api.auth.guards import requires_admin, requires_login
from api.auth.schemas import (AddressIn, AddressOut, PhoneCode, RefreshRequest, SmsCodeRequest, SmsCodeSent, SmsLogin,
                              StaffLogin, StaffPasswordChange, StaffPasswordReset, TokenPair, UserOut, WechatLogin)
from api.deps import AppSettings, ClientIp, Conn, CurrentUser, Jwt, Pool, Redis, WeChat

# Per client address (nobody is signed in yet), each in its own Redis key space (api/ratelimit.py).
# Password logins, the console's form too: staff sit in offices, 30 tries a minute per address.
# A device a staff member signed in from before skips it (api/auth/devices.py): whoever shares
# the address cannot shut them out by using the budget up; the per-account lock still holds.
login_rate_limit = dataclasses.replace(ratelimit.limit("staff-login", ("minute", 30)),
                                       check_throttle_handler=devices.address_limit_applies)
# Citizens: many phones share one carrier NAT address, and the codes cannot be guessed (WeChat's are
# one-off; SMS codes have their own per-phone, per-address and try limits), so only a flood guard.
citizen_login_rate_limit = ratelimit.limit("citizen-login", ("minute", 300))
# Refresh and logout carry a 256-bit token: a flood guard as well.
token_rate_limit = ratelimit.limit("token", ("minute", 300))
PUBLIC = {"exclude_from_auth": True}


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/wechat", opt=PUBLIC, operation_id="authWechat", summary="微信登录", status_code=200,
          middleware=[citizen_login_rate_limit.middleware])
    async def wechat_login(self, data: JSONBody[WechatLogin], pool: Pool, wechat: WeChat, jwt: Jwt,
                           settings: AppSettings) -> TokenPair:
        return await service.wechat_login(pool, wechat, jwt, data.code, refresh_days=settings.refresh_token_days)

    @post("/sms-code", opt=PUBLIC, operation_id="authSmsCode", summary="获取短信登录验证码", status_code=200,
          middleware=[citizen_login_rate_limit.middleware])
    async def sms_code(self, data: JSONBody[SmsCodeRequest], conn: Conn, redis: Redis, client_ip: ClientIp,
                       settings: AppSettings) -> SmsCodeSent:
        return SmsCodeSent(resend_after=await sms.request_code(conn, redis, phone=data.phone, ip=client_ip,
                                                               secret=settings.jwt_secret,
                                                               hourly_budget=settings.sms_login_hourly_budget))

    @post("/sms-login", opt=PUBLIC, operation_id="authSmsLogin", summary="短信验证码登录", status_code=200,
          middleware=[citizen_login_rate_limit.middleware])
    async def sms_login(self, data: JSONBody[SmsLogin], conn: Conn, jwt: Jwt, settings: AppSettings) -> TokenPair:
        return await sms.login(conn, jwt, phone=data.phone, code=data.code, secret=settings.jwt_secret,
                               refresh_days=settings.refresh_token_days)

    @post("/staff-login", opt=PUBLIC, operation_id="authStaffLogin", summary="工作人员密码登录", status_code=200,
          middleware=[devices.TrustedDeviceMiddleware, login_rate_limit.middleware])
    async def staff_login(self, data: JSONBody[StaffLogin], conn: Conn, jwt: Jwt, settings: AppSettings,
                          state: State) -> TokenPair:
        return await service.staff_login(conn, jwt, data.phone, data.password,
                                         refresh_days=settings.refresh_token_days,
                                         device_secret=settings.jwt_secret, now=clock.now(state))

    # After an admin's reset the login answers password_change_required: the new password is set
    # here with the temporary one, under the same address limit and per-account lock as the login.
    @post("/staff-password", opt=PUBLIC, operation_id="authStaffPassword", summary="工作人员设置新密码（重置后首次登录）",
          status_code=200, middleware=[devices.TrustedDeviceMiddleware, login_rate_limit.middleware])
    async def staff_password(self, data: JSONBody[StaffPasswordChange], conn: Conn, jwt: Jwt, settings: AppSettings,
                             state: State) -> TokenPair:
        return await staff.change_password_and_login(conn, jwt, data, refresh_days=settings.refresh_token_days,
                                                             device_secret=settings.jwt_secret, now=clock.now(state))

    @post("/refresh", opt=PUBLIC, operation_id="authRefresh", summary="刷新登录令牌", status_code=200,
          middleware=[token_rate_limit.middleware])
    async def refresh(self, data: JSONBody[RefreshRequest], conn: Conn, jwt: Jwt, settings: AppSettings) -> TokenPair:
        return await service.refresh(conn, jwt, data.refresh_token, refresh_days=settings.refresh_token_days)

    @post("/logout", opt=PUBLIC, operation_id="authLogout", summary="退出登录", status_code=204,
          middleware=[token_rate_limit.middleware])
    async def logout(self, data: JSONBody[RefreshRequest], conn: Conn) -> None:
        await service.logout(conn, data.refresh_token)


class MeController(Controller):
    path = "/me"
    tags = ["auth"]
    guards = [requires_login]

    @get("/", operation_id="getMe", summary="当前用户")
    async def me(self, conn: Conn, user: CurrentUser) -> UserOut:
        return await service.get_me(conn, user)

    # One phone, one account (F085): the phone of an SMS-login account merges this account into it
    # (api/auth/service/phone.py); the answer then carries that account's tokens.
    @post("/phone", operation_id="bindPhone", summary="用微信手机号授权绑定手机号", status_code=200)
    async def bind_phone(self, data: JSONBody[PhoneCode], pool: Pool, wechat: WeChat, redis: Redis, jwt: Jwt,
                         user: CurrentUser, settings: AppSettings, state: State) -> PhoneBound:
        number = await wechat.phone_number(data.code)  # network first, no connection held
        async with transaction(pool) as conn:
            return await phone.bind(conn, redis, jwt, user, number, now=clock.now(state),
                                    refresh_days=settings.refresh_token_days,
                                    token_minutes=settings.access_token_minutes)

    @get("/address", operation_id="getMyAddress", summary="我的默认收件地址")
    async def address(self, conn: Conn, user: CurrentUser) -> AddressOut:
        return await account_address.get_address(conn, user)

    @put("/address", operation_id="setMyAddress", summary="设置默认收件地址（逾期未领的证件寄到这里）")
    async def set_address(self, conn: Conn, user: CurrentUser, data: JSONBody[AddressIn]) -> AddressOut:
        return await account_address.put_address(conn, user, data.address)


class AdminStaffController(Controller):
    path = "/admin/staff"
    tags = ["admin"]
    guards = [requires_admin]

    @post("/{staff_id:int}/password-reset", operation_id="adminResetStaffPassword",
          summary="重置工作人员密码（本人下次登录须设置新密码）", status_code=200)
    async def reset_password(self, staff_id: FromPath[int], data: JSONBody[StaffPasswordReset], conn: Conn,
                             user: CurrentUser) -> staff.StaffRow:
        return await staff.reset_password(conn, user, staff_id, data.password)
