"""Litestar's JWTAuth, with key ids so the JWT secret can rotate without logging anyone out.

Tokens are signed with the current key (``ZSB_JWT_KEY_ID`` / ``ZSB_JWT_SECRET``) and carry
its id in the ``kid`` header; verification also accepts the keys in
``ZSB_JWT_PREVIOUS_SECRETS`` ("kid:secret,kid:secret") until they are removed.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any, ClassVar

import jwt
import msgspec
from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from api.auth import ended, service
from api.auth.schemas import AuthUser
from api.enterprises import service as enterprises
from api.settings import Settings

PUBLIC_PATHS = [
    "^/schema", "^/healthz", "^/readyz", "^/metrics", "^/wechat/push", "^/console", "^/dev/",
    "^/verify/", "^/static/",
]


def _keys(settings: Settings) -> dict[str, str]:
    keys = {settings.jwt_key_id: settings.jwt_secret}
    for pair in filter(None, (p.strip() for p in settings.jwt_previous_secrets.split(","))):
        kid, _, secret = pair.partition(":")
        if kid and secret:
            keys.setdefault(kid, secret)
    return keys


def token_class(settings: Settings) -> type[Token]:
    keys = _keys(settings)
    current = settings.jwt_key_id

    @dataclasses.dataclass
    class KeyedToken(Token):
        key_ids: ClassVar[dict[str, str]] = keys

        def encode(self, secret: str, algorithm: str) -> str:
            payload = {k: v for k, v in dataclasses.asdict(self).items() if v is not None and k != "extras"}
            payload.update(self.extras)
            payload["exp"] = int(self.exp.timestamp())
            payload["iat"] = int(self.iat.timestamp())
            return jwt.encode(payload, keys[current], algorithm=algorithm, headers={"kid": current})

        @classmethod
        def decode_payload(cls, encoded_token: str, secret: str, algorithms: list[str], **kwargs: Any) -> Any:
            try:
                kid = jwt.get_unverified_header(encoded_token).get("kid", current)
            except jwt.exceptions.InvalidTokenError:
                kid = current
            key = keys.get(kid)
            if key is None:
                # InvalidTokenError (not InvalidKeyError): Litestar turns only that family into a 401.
                raise jwt.exceptions.InvalidTokenError("unknown key id")
            return super().decode_payload(encoded_token, key, algorithms, **kwargs)

    return KeyedToken


async def retrieve_user(token: Token, connection: ASGIConnection) -> AuthUser | None:
    extras = token.extras or {}
    if extras.get("typ") != "access":
        return None
    roles = tuple(extras.get("roles", ()))
    if "sid" in extras:
        # A staff session: checked against the account on every request, so logout, disabling and
        # a role change end it at once. Citizen tokens skip the read: they carry no staff authority.
        if not await service.staff_session_live(connection.app.state.pool, int(token.sub), extras.get("ver"),
                                                extras["sid"]):
            return None
    elif not set(roles) <= set(service.CITIZEN_ROLES):
        return None  # staff roles without a session to check them against (an older token)
    elif await ended.token_ended(connection.app.state.redis, int(token.sub), token.iat):
        return None  # the account was merged into another or closed since (api/auth/ended.py)
    user = AuthUser(id=int(token.sub), roles=roles, steps=tuple(extras.get("steps", ())),
                    verified=extras.get("idv") is True)
    if isinstance(extras.get("ent"), int):
        # acting for an enterprise: the grant is read on every request, so a revocation holds at once
        grant = await enterprises.grant(connection.app.state.pool, user.id, extras["ent"])
        user = msgspec.structs.replace(user, enterprise_id=extras["ent"], granted=grant.services)
    return user


def jwt_auth(settings: Settings) -> JWTAuth[AuthUser]:
    return JWTAuth[AuthUser](
        retrieve_user_handler=retrieve_user,
        token_secret=settings.jwt_secret,
        token_cls=token_class(settings),
        default_token_expiration=timedelta(minutes=settings.access_token_minutes),
        exclude=PUBLIC_PATHS,
        description="登录后获得的访问令牌 (accessToken)",
    )
