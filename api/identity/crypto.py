"""ID numbers at rest: AES-GCM under a named key, and a keyed hash for look-ups.

``ZSB_IDENTITY_KEYS`` is ``kid:base64key,...`` (32-byte AES-256 keys): the first encrypts, all decrypt,
so a key is rotated by putting a new kid first and keeping the old ones until ``zsb identity rekey``
has re-encrypted their rows. The kid is stored next to each ciphertext and bound to it as associated
data. ``ZSB_IDENTITY_HASH_KEY`` keys the HMAC-SHA256 that makes ``id_hash``: equal numbers hash alike
(uniqueness, look-ups) but the hash cannot be reversed by hashing every possible ID number without the
key. It is never rotated in place (every hash would change); see README, "Real-name identity".

Dev and test use the fixed, published, non-secret defaults below; production refuses to start
without both settings (api/settings.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Not secrets: they are in the repository. Only dev and test may use them.
DEV_KEYS = "dev1:" + base64.b64encode(b"dev-only-identity-key-not-secret").decode()
DEV_HASH_KEY = "dev-only-identity-hash-key-not-secret"
NONCE_BYTES = 12


class UnknownKey(Exception):
    """A row was encrypted under a kid that ZSB_IDENTITY_KEYS no longer lists."""


def parse_keys(text: str) -> dict[str, bytes]:
    """``kid:base64key,...`` -> {kid: key} in order (first = current); ValueError naming what is wrong."""
    keys: dict[str, bytes] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kid, sep, encoded = part.partition(":")
        if not sep or not kid or not kid.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"{kid or part!r}: each key is kid:base64key")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"key {kid!r} is not base64") from None
        if len(key) != 32:
            raise ValueError(f"key {kid!r} must be 32 bytes (AES-256), got {len(key)}")
        if kid in keys:
            raise ValueError(f"key {kid!r} is listed twice")
        keys[kid] = key
    if not keys:
        raise ValueError("no key")
    return keys


def normalise(id_number: str) -> str:
    """The form that is hashed and encrypted: no spaces, upper case (a resident ID's final x is X)."""
    return "".join(id_number.split()).upper()


class IdentityCipher:
    def __init__(self, keys: str, hash_key: str) -> None:
        self.keys = parse_keys(keys)
        self.current = next(iter(self.keys))
        if len(hash_key) < 32:
            raise ValueError("the hash key must be at least 32 characters")
        self.hash_key = hash_key.encode()

    def encrypt(self, plain: str) -> tuple[str, bytes]:
        """(kid, nonce || ciphertext) under the current key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plain.encode(), self.current.encode())
        return self.current, nonce + sealed

    def decrypt(self, kid: str, blob: bytes) -> str:
        key = self.keys.get(kid)
        if key is None:
            raise UnknownKey(kid)
        return AESGCM(key).decrypt(bytes(blob[:NONCE_BYTES]), bytes(blob[NONCE_BYTES:]), kid.encode()).decode()

    def hash(self, id_type: str, id_number: str) -> bytes:
        """HMAC-SHA256 of ``type:number`` (normalised): the same person's document hashes alike."""
        return hmac.new(self.hash_key, f"{id_type}:{normalise(id_number)}".encode(), hashlib.sha256).digest()


_active: IdentityCipher | None = None


def cipher_for(settings: Any) -> IdentityCipher:
    """The cipher of these settings: dev and test fall back to the published defaults."""
    fallback = settings.env != "production"
    keys = settings.identity_keys or (DEV_KEYS if fallback else "")
    hash_key = settings.identity_hash_key or (DEV_HASH_KEY if fallback else "")
    return IdentityCipher(keys, hash_key)


_unusable = "identity keys not configured: call api.identity.crypto.configure(settings)"


def configure(settings: Any) -> IdentityCipher | None:
    """Make these settings' cipher the one services use (the API and the worker call it at start).

    Settings without usable keys leave none (every use then fails, naming why) rather than stopping
    here: start-up refuses them already (``Settings.checked``), and tests build apps from
    production-like settings that never touch an identity."""
    global _active, _unusable
    try:
        _active = cipher_for(settings)
    except ValueError as exc:
        _active, _unusable = None, f"ZSB_IDENTITY_KEYS / ZSB_IDENTITY_HASH_KEY unusable: {exc}"
    return _active


def active() -> IdentityCipher:
    if _active is None:
        raise RuntimeError(_unusable)
    return _active
