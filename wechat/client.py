"""wechatpy pointed at a configurable host, sharing one access token through Redis.

Pointing wechatpy elsewhere needs three overrides (SDK-NOTES): the client's API_BASE_URL,
the ``wxa`` API's own API_BASE_URL, and ``fetch_access_token`` (hard-coded to the real host).
We also replace token fetching: every process reads one token from Redis, and only the holder
of a Redis lock asks ``/cgi-bin/stable_token`` for a new one, so processes never invalidate
each other's tokens.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import redis as redis_sync
import requests
from wechatpy import WeChatClient
from wechatpy.client.api import WeChatWxa
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

TOKEN_KEY = "zsb:wechat:access_token:{appid}"
LOCK_KEY = "zsb:wechat:access_token_lock:{appid}"
TOKEN_ERRORS = {40001, 40014, 42001}


class RedisTokenStorage(SessionStorage):
    """wechatpy's session storage on a shared Redis (only the token lives here)."""

    def __init__(self, client: redis_sync.Redis) -> None:
        self.redis = client

    def get(self, key: str, default: Any = None) -> Any:
        value = self.redis.get(f"zsb:wechatpy:{key}")
        return value.decode() if value is not None else default

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        self.redis.set(f"zsb:wechatpy:{key}", value, ex=ttl)

    def delete(self, key: str) -> None:
        self.redis.delete(f"zsb:wechatpy:{key}")


class SharedTokenClient(WeChatClient):
    """A WeChatClient whose token is shared by all processes and refreshed under a lock."""

    api_base: str = "https://api.weixin.qq.com"
    token_margin_seconds = 300

    @property
    def access_token(self) -> str:
        token = self.session.get(self.access_token_key)
        if token:
            return token
        return self.refresh_token(force=False)

    def refresh_token(self, *, force: bool, stale: str | None = None) -> str:
        """Get a token from stable_token; one process at a time, the others wait and reuse it."""
        lock = self.session.redis.lock(LOCK_KEY.format(appid=self.appid), timeout=15, blocking_timeout=15)
        with lock:
            current = self.session.get(self.access_token_key)
            if current and current != stale and not force:
                return current
            if current and stale and current != stale:
                return current  # another process refreshed it while we waited
            res = self._http.post(
                f"{self.api_base}/cgi-bin/stable_token",
                json={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
                      "force_refresh": bool(force and stale)},
                timeout=self.timeout,
            )
            res.raise_for_status()
            data = res.json()
            if data.get("errcode"):
                raise WeChatClientException(data["errcode"], data.get("errmsg"), client=self,
                                            request=res.request, response=res)
            ttl = max(60, int(data.get("expires_in", 7200)) - self.token_margin_seconds)
            self.session.set(self.access_token_key, data["access_token"], ttl)
            self.expires_at = int(time.time()) + ttl
            return data["access_token"]

    def fetch_access_token(self) -> dict[str, Any]:
        return {"access_token": self.refresh_token(force=False)}

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call an SDK method; on an expired or invalid token refresh once and call again."""
        stale = self.access_token
        try:
            return fn(*args, **kwargs)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
        self.refresh_token(force=True, stale=stale)
        return fn(*args, **kwargs)


@functools.lru_cache(maxsize=8)
def client_class(api_base: str) -> type[SharedTokenClient]:
    base = api_base.rstrip("/")

    class Wxa(WeChatWxa):
        API_BASE_URL = f"{base}/"

    class Client(SharedTokenClient):
        API_BASE_URL = f"{base}/cgi-bin/"
        api_base = base
        wxa = Wxa()

    return Client


def make_client(*, appid: str, secret: str, api_base: str, redis_url: str,
                timeout: float = 5.0) -> SharedTokenClient:
    storage = RedisTokenStorage(redis_sync.Redis.from_url(redis_url))
    # wechatpy's own auto_retry recurses without limit while a token stays invalid; call() retries once.
    return client_class(api_base)(appid, secret, session=storage, timeout=timeout, auto_retry=False)


def is_unavailable(exc: BaseException) -> bool:
    """HTTP errors, timeouts and refused connections: WeChat is down, not our caller's fault."""
    if isinstance(exc, requests.RequestException):
        return True
    return isinstance(exc, WeChatClientException) and (exc.errcode is None or exc.errcode in (-1,))
