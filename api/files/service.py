"""Short-lived signed download links, for ``wx.downloadFile`` (it cannot send an Authorization header).

The caller asks for a link through the usual authorised route (which checks, as the file route
does, that they may read the file); the link names the stored file and when it stops working,
signed with a key derived from the JWT secret under its own label. Anyone holding it may fetch the
file until then, as with an S3 presigned URL, so it lives five minutes and is never logged.
Written by hand like the licence codes (api/disclosure/signing.py): 30 lines, no new dependency.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Awaitable
from datetime import datetime, timedelta, timezone

from api.errors import BadRequest, Gone
from api.files.schemas import DownloadLinkOut
from api.settings import Settings

LINK_SECONDS = 300
_LABEL = b"zsb/file-download/v1"


class DownloadLinkInvalid(BadRequest):
    """下载链接无效。"""

    code = "download_link_invalid"


class DownloadLinkExpired(Gone):
    """下载链接已过期，请重新获取。"""

    code = "download_link_expired"


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.jwt_secret.encode(), _LABEL, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def link(settings: Settings, found: Awaitable[tuple[str, str]], *, now: datetime) -> DownloadLinkOut:
    """A link to the file ``found`` (the authorised look-up's storage key and content type)."""
    key, content_type = await found
    until = now.astimezone(timezone.utc).replace(microsecond=0) + timedelta(seconds=LINK_SECONDS)
    body = _b64(json.dumps({"k": key, "t": content_type, "u": int(until.timestamp())},
                           separators=(",", ":")).encode())
    sig = _b64(hmac.new(_key(settings), body.encode(), hashlib.sha256).digest())
    return DownloadLinkOut(url=f"{settings.base_url}/api/v1/files/{body}.{sig}", expires_at=until)


def read(settings: Settings, token: str, *, now: datetime) -> tuple[str, str]:
    """The storage key and content type a link names; refused when altered or past its time."""
    body, _, sig = token.partition(".")
    good = _b64(hmac.new(_key(settings), body.encode(), hashlib.sha256).digest())
    if not sig or not hmac.compare_digest(sig, good):
        raise DownloadLinkInvalid()
    try:
        data = json.loads(_unb64(body))
        key, content_type, until = str(data["k"]), str(data["t"]), int(data["u"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise DownloadLinkInvalid() from None
    if now.timestamp() >= until:
        raise DownloadLinkExpired()
    return key, content_type
