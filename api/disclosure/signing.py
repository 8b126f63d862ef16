"""Signed, compact verification tokens for electronic licences (亮证核验码).

A token is base64url (no padding) of 30 bytes: a version byte, the licence id (8 bytes), the
Unix time the code was made (4 bytes — FAQ F133: the code carries its time) and the first 17
bytes of an HMAC-SHA256 over those 13 bytes. Written by hand rather than with itsdangerous:
its JSON payload and separators make a token about twice as long, i.e. a denser QR code on a
printed permit. 30 bytes is a multiple of 3, so every one of the 40 characters carries signed
bits, and decoding is strict (the token must re-encode to itself): changing any character
fails verification.

The key is derived from the JWT secret (its own label, so a token of one kind is never valid
as the other); keys listed in ZSB_JWT_PREVIOUS_SECRETS still verify, so rotating the secret
does not void the codes already printed. Dropping a previous secret voids its codes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from datetime import datetime, timezone

from api.settings import Settings

VERSION = 1
_HEAD = struct.Struct(">BQI")
_SIG_BYTES = 17
TOKEN_BYTES = _HEAD.size + _SIG_BYTES  # 30
_LABEL = b"zsb/licence-verification/v1"


def _derive(secret: str) -> bytes:
    return hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest()


def _keys(settings: Settings) -> list[bytes]:
    secrets = [settings.jwt_secret]
    for pair in filter(None, (p.strip() for p in settings.jwt_previous_secrets.split(","))):
        _, _, secret = pair.partition(":")
        if secret:
            secrets.append(secret)
    return [_derive(s) for s in secrets]


def _sign(key: bytes, head: bytes) -> bytes:
    return hmac.new(key, head, hashlib.sha256).digest()[:_SIG_BYTES]


def make_token(settings: Settings, licence_id: int, issued_at: datetime) -> str:
    head = _HEAD.pack(VERSION, licence_id, int(issued_at.timestamp()))
    return base64.urlsafe_b64encode(head + _sign(_keys(settings)[0], head)).decode().rstrip("=")


def read_token(settings: Settings, token: str) -> tuple[int, datetime] | None:
    """(licence id, when the code was made) for a genuine token; None for anything else."""
    if len(token) != TOKEN_BYTES * 4 // 3:
        return None
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    if len(raw) != TOKEN_BYTES or base64.urlsafe_b64encode(raw).decode() != token:
        return None  # not canonical: another spelling of the same bytes is still a changed token
    head, sig = raw[:_HEAD.size], raw[_HEAD.size:]
    if not any(hmac.compare_digest(sig, _sign(key, head)) for key in _keys(settings)):
        return None
    version, licence_id, made = _HEAD.unpack(head)
    if version != VERSION:
        return None
    return licence_id, datetime.fromtimestamp(made, timezone.utc)
