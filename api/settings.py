"""One frozen settings Struct, read from ``ZSB_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Literal

import msgspec

from api.identity.crypto import parse_keys as parse_identity_keys
from notify.wechat_templates import registered_template_ids

PREFIX = "ZSB_"


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Literal["dev", "test", "production"] = "dev"
    database_url: str | None = None
    database_replica_url: str | None = None
    # 0 turns asyncpg's prepared-statement cache off, as pgbouncer in transaction mode needs.
    db_statement_cache_size: int = 100
    db_pool_min: int = 2
    db_pool_max: int = 20
    redis_url: str | None = None
    var_dir: str = "var"
    jwt_secret: str = ""
    # Older secrets still accepted for verification, "kid:secret" pairs separated by commas.
    jwt_previous_secrets: str = ""
    jwt_key_id: str = "k1"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = ""
    wechat_mode: Literal["sandbox", "live"] = "sandbox"
    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_timeout_seconds: float = 5.0
    # How far a push's signed timestamp may be from our clock (seconds, either way); also how long
    # its (signature, timestamp, nonce) is remembered in Redis to refuse a replay.
    wechat_push_window_seconds: int = 300
    # The official account (公众号), when the bureau has one: its template messages reach its
    # followers without a per-message authorisation. Unset: no follower is ever recorded.
    wechat_oa_appid: str = ""
    wechat_oa_secret: str = ""
    wechat_oa_token: str = ""
    wechat_oa_aes_key: str = ""
    # The mini-program's subscribe templates as registered in its admin, "kind=id" pairs separated by
    # commas (kinds: notify/templates.py TEMPLATE_KINDS); an unnamed kind keeps its built-in id.
    wechat_template_ids: str = ""
    sms_provider: Literal["sandbox", "aliyun"] = "sandbox"
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = ""
    aliyun_sms_endpoint: str = "dysmsapi.aliyuncs.com"
    aliyun_sms_protocol: Literal["http", "https"] = "https"
    sms_sign_name: str = "掌上办"
    # SMS login codes all phones together may be sent in an hour (SMS pumping); past it codes stop
    # and operations get an alert. Normal use is well under a hundred an hour.
    sms_login_hourly_budget: int = 1000
    storage_dir: str = ""
    s3_endpoint: str = ""
    s3_bucket: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    log_level: str = "INFO"
    log_json: bool = True
    # The API docs pages (/schema, /schema/swagger) load their scripts from a CDN. Unset: on in dev
    # and test, off in production, which then serves only the document /schema/openapi.json.
    docs_ui: bool | None = None
    # Addresses or networks of the proxies in front (nginx, the ingress controller), comma-separated:
    # X-Forwarded-For is read only from them, right to left, up to the first hop that is not one.
    trusted_proxies: str = "127.0.0.1"
    # The bearer token Prometheus sends to /metrics. Unset: open in dev and test, 404 in production.
    metrics_token: str = ""
    # Real-name identity (api/identity/crypto.py): AES-256-GCM keys "kid:base64key,..." (the first
    # encrypts, all decrypt) and the HMAC key of ID-number hashes. Unset: fixed published dev keys,
    # refused in production.
    identity_keys: str = ""
    identity_hash_key: str = ""
    # Trusted licence data (api/licences/sources, README "Trusted licence data"): the provincial
    # e-licence sharing service, its app key and secret (requests are signed), the time a look-up
    # may take before the person is asked to upload, and how long its answers are cached in Redis.
    # Unset URL: only the library and the import store (`zsb licences import`) are asked.
    licence_share_url: str = ""
    licence_share_app_key: str = ""
    licence_share_app_secret: str = ""
    licence_share_timeout_seconds: float = 2.0
    licence_cache_seconds: int = 600
    # The market-regulation registry that confirms an enterprise's business licence (api/enterprises/
    # registry.py, README "Enterprises"): sandbox (a documented rule, no network) or http at this URL.
    enterprise_registry: Literal["sandbox", "http"] = "sandbox"
    enterprise_registry_url: str = ""
    enterprise_registry_key: str = ""
    # Licence numbers (api/licences/numbers.py): the issuing authority's administrative division code.
    licence_authority_code: str = "330300"
    # The bureau's document signing key and certificate (PEM files): licence PDFs, decision letters,
    # audit checkpoints (api/documents). Unset: a self-signed development certificate made once under
    # var_dir/signing, refused in production.
    signing_key_file: str = ""
    signing_cert_file: str = ""
    signing_key_password: str = ""

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def storage_path(self) -> str:
        return self.storage_dir or os.path.join(self.var_dir, "storage")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``ZSB_*`` variables; a bad value raises SettingsError naming the variable."""
        environ = os.environ if environ is None else environ
        raw: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            name = PREFIX + field.name.upper()
            if name in environ and environ[name] != "":
                raw[field.name] = environ[name]
        raw.update(overrides)
        try:
            settings = msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as exc:
            field = str(exc).rsplit("$.", 1)[-1].rstrip("`").split(".")[0].split("[")[0]
            raise SettingsError(f"{PREFIX}{field.upper()}: {str(exc).split(' - ')[0]}") from None
        return settings.checked()

    def checked(self) -> Settings:
        """Apply the rules that span settings: production needs real secrets and providers."""
        if self.env == "production":
            if len(self.jwt_secret) < 32:
                raise SettingsError("ZSB_JWT_SECRET: production needs a secret of at least 32 characters")
            if self.wechat_mode != "live":
                raise SettingsError("ZSB_WECHAT_MODE: production needs live")
            if self.sms_provider != "aliyun":
                raise SettingsError("ZSB_SMS_PROVIDER: production needs aliyun")
            if not self.database_url:
                raise SettingsError("ZSB_DATABASE_URL: production needs a database")
            if not self.redis_url:
                raise SettingsError("ZSB_REDIS_URL: production needs a Redis")
            if not self.identity_keys or len(self.identity_hash_key) < 32:
                raise SettingsError("ZSB_IDENTITY_KEYS / ZSB_IDENTITY_HASH_KEY: production needs its own keys "
                                    "(a hash key of at least 32 characters)")
        if self.identity_keys:
            try:
                parse_identity_keys(self.identity_keys)
            except ValueError as exc:
                raise SettingsError(f"ZSB_IDENTITY_KEYS: {exc}") from None
        if self.wechat_mode == "live":
            for name in ("wechat_appid", "wechat_secret"):
                if not getattr(self, name):
                    raise SettingsError(f"ZSB_{name.upper()}: required when ZSB_WECHAT_MODE=live")
            if self.wechat_oa_appid:
                for name in ("wechat_oa_secret", "wechat_oa_token"):
                    if not getattr(self, name):
                        raise SettingsError(f"ZSB_{name.upper()}: required when ZSB_WECHAT_OA_APPID is set")
        if self.sms_provider == "aliyun":
            for name in ("aliyun_access_key_id", "aliyun_access_key_secret", "sms_sign_name"):
                if not getattr(self, name):
                    raise SettingsError(f"ZSB_{name.upper()}: required when ZSB_SMS_PROVIDER=aliyun")
        if not (len(self.licence_authority_code) == 6 and self.licence_authority_code.isdigit()):
            raise SettingsError("ZSB_LICENCE_AUTHORITY_CODE: six digits (an administrative division code)")
        if self.licence_share_url:
            for name in ("licence_share_app_key", "licence_share_app_secret"):
                if not getattr(self, name):
                    raise SettingsError(f"ZSB_{name.upper()}: required when ZSB_LICENCE_SHARE_URL is set")
        if not 0 < self.licence_share_timeout_seconds <= 10:
            raise SettingsError("ZSB_LICENCE_SHARE_TIMEOUT_SECONDS: more than 0, at most 10")
        if "*" in (h.strip() for h in self.trusted_proxies.split(",")):
            # uvicorn and granian then take the left-most X-Forwarded-For entry, which the client writes
            raise SettingsError("ZSB_TRUSTED_PROXIES: list the proxies' addresses or networks; "
                                "\"*\" lets any client choose its own address")
        try:
            registered_template_ids(self.wechat_template_ids)
        except ValueError as exc:
            raise SettingsError(f"ZSB_WECHAT_TEMPLATE_IDS: {exc}") from None
        if not 1 <= self.wechat_push_window_seconds <= 3600:
            raise SettingsError("ZSB_WECHAT_PUSH_WINDOW_SECONDS: between 1 and 3600")
        if self.s3_bucket:
            for name in ("s3_access_key", "s3_secret_key"):
                if not getattr(self, name):
                    raise SettingsError(f"ZSB_{name.upper()}: required when ZSB_S3_BUCKET is set")
        if not self.jwt_secret:
            # dev and test only: a fresh secret per process start logs everyone out, which is fine there.
            return msgspec.structs.replace(self, jwt_secret=secrets.token_urlsafe(48))
        return self
