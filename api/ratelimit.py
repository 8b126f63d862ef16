"""Rate limits: each in a key space of its own, counted per account where the caller has one.

Litestar keys every limit as ``RateLimitMiddleware::<identifier>`` inside the limit's store, so
limits that share a store share one counter (thirty FAQ questions used to close the WeChat
login). Each limit here names its own store, which the app's StoreRegistry turns into its own
Redis namespace (``zsb:rate_limit:<name>``); every API process shares it.

Many phones share one address behind a Chinese mobile carrier's NAT, so a per-address budget is
a whole neighbourhood's: a signed-in citizen is counted by account instead (``per_account``), and
per-address limits are sized for a crowd, not a person.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import Request
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.rate_limit import DurationUnit, RateLimitConfig


def per_address(request: Request[Any, Any, Any]) -> str:
    """The connecting address, as the server took it from a trusted proxy (ZSB_TRUSTED_PROXIES)."""
    return f"address:{request.client.host if request.client else 'unknown'}"


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def per_account(request: Request[Any, Any, Any]) -> str:
    """The caller's account when the request carries a valid access token (public routes skip the
    auth middleware, so the token is checked here), else the address. A forged or expired token
    counts against the address, like no token."""
    token = _bearer(request)
    auth = request.app.state.get("jwt_auth")
    if token and auth is not None:
        try:
            decoded = auth.token_cls.decode(token, auth.token_secret, auth.algorithm)
        except NotAuthorizedException:
            decoded = None
        if decoded is not None and (decoded.extras or {}).get("typ") == "access":
            return f"account:{decoded.sub}"
    return per_address(request)


def limit(name: str, rate: tuple[DurationUnit, int], *, key: Any = per_address) -> RateLimitConfig:
    """A limit counted in its own store ``rate_limit:<name>``, by ``key`` (per_address or per_account)."""
    return RateLimitConfig(rate_limit=rate, store=f"rate_limit:{name}", identifier_for_request=key)
