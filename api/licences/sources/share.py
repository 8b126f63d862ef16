"""The provincial e-licence sharing service (省电子证照共享平台) over signed HTTP.

``POST {ZSB_LICENCE_SHARE_URL}/licences/query`` with a JSON body ``{"holderIdType", "holderIdNumber",
"holderName", "licenceTypes": [type codes]}``, signed: ``X-App-Key``, ``X-Timestamp`` (Unix seconds),
``X-Nonce`` (fresh per request) and ``X-Signature`` = Base64(HMAC-SHA256(app secret, "POST\\n" + path +
"\\n" + app key + "\\n" + timestamp + "\\n" + nonce + "\\n" + hex SHA-256 of the body)). The answer:
``{"code": "ok", "licences": [GB/T 36903 records, records.SourceLicence's camelCase fields]}``; a
refusal: a 4xx with ``{"code": "...", "message": "..."}``. README "Trusted licence data" has the shape.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

import httpx
import msgspec

from api.licences.sources.records import TYPE_CODES, Holder, SourceLicence, SourceRefused, SourceUnavailable

PATH = "/licences/query"


def signature(secret: str, *, method: str, path: str, app_key: str, timestamp: str, nonce: str, body: bytes) -> str:
    text = "\n".join((method, path, app_key, timestamp, nonce, hashlib.sha256(body).hexdigest()))
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


class _Answer(msgspec.Struct):
    code: str
    licences: list[SourceLicence] = []
    message: str | None = None


class ShareSource:
    name = "share"

    def __init__(self, url: str, app_key: str, secret: str, *, timeout: float = 2.0) -> None:
        self.url, self.app_key, self.secret, self.timeout = url.rstrip("/"), app_key, secret, timeout

    @classmethod
    def from_settings(cls, settings: Any) -> ShareSource | None:
        if not settings.licence_share_url:
            return None
        return cls(settings.licence_share_url, settings.licence_share_app_key, settings.licence_share_app_secret,
                   timeout=settings.licence_share_timeout_seconds)

    def signed(self, body: bytes) -> dict[str, str]:
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        path = httpx.URL(self.url + PATH).path
        return {"Content-Type": "application/json", "X-App-Key": self.app_key, "X-Timestamp": timestamp,
                "X-Nonce": nonce, "X-Signature": signature(self.secret, method="POST", path=path,
                                                           app_key=self.app_key, timestamp=timestamp,
                                                           nonce=nonce, body=body)}

    async def fetch(self, holder: Holder, types: list[str]) -> list[SourceLicence]:
        body = msgspec.json.encode({"holderIdType": holder.id_type, "holderIdNumber": holder.id_number,
                                    "holderName": holder.name,
                                    "licenceTypes": [TYPE_CODES[t] for t in types if t in TYPE_CODES]})
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                res = await asyncio.wait_for(client.post(self.url + PATH, content=body, headers=self.signed(body)),
                                             self.timeout)
        except (httpx.HTTPError, asyncio.TimeoutError, OSError) as exc:
            raise SourceUnavailable(f"省电子证照共享平台未在{self.timeout:g}秒内应答（{type(exc).__name__}）") from None
        if res.status_code >= 500:
            raise SourceUnavailable(f"省电子证照共享平台暂不可用（HTTP {res.status_code}）")
        try:
            answer = msgspec.json.decode(res.content, type=_Answer)
        except msgspec.ValidationError as exc:
            raise SourceUnavailable(f"省电子证照共享平台的应答不符合约定格式：{exc}") from None
        if res.status_code >= 400 or answer.code != "ok":
            raise SourceRefused(f"省电子证照共享平台拒绝了请求（HTTP {res.status_code}，{answer.code}：{answer.message or ''}）"
                                "；请核对 ZSB_LICENCE_SHARE_APP_KEY / ZSB_LICENCE_SHARE_APP_SECRET 和本机时钟")
        return answer.licences
