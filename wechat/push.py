"""WeChat message push (消息推送): signature, freshness, replay, safe-mode decryption, typed parsing.

Plain mode signs only ``token, timestamp, nonce`` — not the body — so a signed query string
that leaks (a proxy log) would carry any body. Hence, on every push route (GET check and POST):

- the ``timestamp`` must lie within the freshness window of the app clock (``api.clock``);
- a (signature, timestamp, nonce) is remembered in Redis for as long as its timestamp stays
  fresh, with a digest of what it carried: the same query with another body is a replay and is
  refused; the very same request again is WeChat's own retry and goes through (stored once);
- with an AES key configured, only safe-mode envelopes are taken (``encrypt_type=aes``), whose
  ``msg_signature`` also covers the ciphertext; the plaintext fields of compatible mode are ignored;
- the message itself becomes a typed Struct at the edge, so a signed but odd body
  (``"Content": ["a"]``) is a 400 here and never reaches a job;
- an event time (``CreateTime``) beyond the window ahead of arrival is refused, and one slightly
  ahead (clock skew) counts as the arrival time wherever events are ordered by time.

Safe mode is AES-256-CBC, which ``wechatpy.crypto.WeChatCrypto`` undoes. XML goes through
defusedxml: a push body is attacker-controlled until its signature is checked, and even then
entities and DTDs have no business in it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Annotated, Any

import msgspec
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from litestar import Request, Response
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from msgspec import Meta
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from api.errors import problem
from wechat import errors

MAX_BODY = 64 * 1024
SEEN_KEY = "zsb:wechat:push-seen:{account}:{signature}:{timestamp}:{nonce}"
_SUBSCRIBE_EVENTS = ("SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent")


class PushRejected(Exception):
    """The signature (or the ciphertext's signature) does not match: not from WeChat."""


class PushMalformed(Exception):
    """Signed, but not a message we can read."""


Text = Annotated[str, Meta(max_length=128)]


class SubscribeItem(msgspec.Struct, rename="pascal", frozen=True):
    template_id: Annotated[str, Meta(min_length=1, max_length=128)]
    subscribe_status_string: Annotated[str, Meta(max_length=32)] = ""


class SubscribeList(msgspec.Struct, frozen=True):
    items: tuple[SubscribeItem, ...] = msgspec.field(default=(), name="List")


class PushMessage(msgspec.Struct, rename="pascal", frozen=True, kw_only=True, omit_defaults=True):
    """One push as WeChat documents it (XML or JSON); fields we do not use are dropped."""

    from_user_name: Annotated[str, Meta(min_length=1, max_length=128)]
    create_time: Annotated[int, Meta(ge=0, le=2**32)]
    msg_type: Annotated[str, Meta(min_length=1, max_length=32)]
    to_user_name: Text = ""
    msg_id: Annotated[int, Meta(ge=0)] | None = None
    event: Text | None = None
    content: Annotated[str, Meta(max_length=MAX_BODY)] | None = None
    subscribe_msg_popup_event: SubscribeList | None = None
    subscribe_msg_change_event: SubscribeList | None = None
    # image and voice messages: the temporary media to fetch (media/get, kept 3 days by WeChat)
    media_id: Text | None = None
    pic_url: Annotated[str, Meta(max_length=1024)] | None = None
    format: Annotated[str, Meta(max_length=16)] | None = None

    @property
    def openid(self) -> str:
        return self.from_user_name

    @property
    def dedupe_key(self) -> str:
        # Messages carry MsgId; events do not, so they are keyed by sender, time and event.
        if self.msg_id is not None:
            return f"msg:{self.msg_id}"
        return f"event:{self.from_user_name}:{self.create_time}:{self.event or ''}"

    def happened_at(self, received_at: datetime) -> datetime:
        """When the event happened, never later than its arrival (a clock ahead of ours orders nothing)."""
        at = datetime.fromtimestamp(self.create_time, timezone.utc) if self.create_time else received_at
        return min(at, received_at)


def verify(token: str, signature: str | None, timestamp: str | None, nonce: str | None) -> None:
    if not (token and signature and timestamp and nonce):
        raise PushRejected()
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException:
        raise PushRejected() from None


def _parse_xml(body: str) -> dict[str, Any]:
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as exc:
        raise PushMalformed(str(exc)) from None
    out: dict[str, Any] = {}
    for child in root:
        known = out.get(child.tag)
        if len(child):  # nested lists (subscribe events) take JSON's shape: {"List": [...]}
            if known is not None and not isinstance(known, dict):  # found by fuzzing: was a 500
                raise PushMalformed(f"{child.tag} is both a value and a list")
            items = out.setdefault(child.tag, {"List": []})["List"]
            items.extend({g.tag: g.text for g in item if g.text} for item in child)
        elif isinstance(known, dict):
            raise PushMalformed(f"{child.tag} is both a list and a value")
        elif child.text:  # an empty element says nothing
            out[child.tag] = child.text
    return out


def parse_body(body: bytes | str) -> dict[str, Any]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." deep enough to fit 64 KB
            raise PushMalformed(type(exc).__name__) from None
        if not isinstance(data, dict):
            raise PushMalformed("not an object")
        return data
    if stripped.startswith("<"):
        return _parse_xml(stripped)
    raise PushMalformed("neither XML nor JSON")


def decrypt(data: dict[str, Any], *, token: str, aes_key: str, appid: str, msg_signature: str | None,
            timestamp: str, nonce: str) -> dict[str, Any]:
    if not aes_key or not isinstance(data.get("Encrypt"), str) or not data["Encrypt"]:
        raise PushMalformed("encrypted push without Encrypt or without an AES key")
    crypto = WeChatCrypto(token, aes_key, appid)
    try:
        plain = crypto.decrypt_message({"Encrypt": data["Encrypt"]}, msg_signature or "", timestamp, nonce)
    except InvalidSignatureException:
        raise PushRejected() from None
    except InvalidAppIdException:
        raise PushRejected() from None
    except Exception as exc:  # bad padding or base64: garbage that happened to be signed
        raise PushMalformed(type(exc).__name__) from None
    return parse_body(plain)


def message(data: Any) -> PushMessage:
    """The typed message of a parsed body (or of a stored payload); PushMalformed when it is not one."""
    if not isinstance(data, dict):
        raise PushMalformed("not an object")
    data = dict(data)
    for key in _SUBSCRIBE_EVENTS:  # JSON may carry one item as an object rather than a list
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("List"), dict):
            data[key] = {**value, "List": [value["List"]]}
    try:
        return msgspec.convert(data, PushMessage, strict=False)
    except msgspec.ValidationError as exc:
        raise PushMalformed(str(exc)) from None


def read_push(body: bytes, query: dict[str, str], *, token: str, aes_key: str, appid: str) -> PushMessage:
    """The body of a push whose query is signed; raises PushRejected / PushMalformed, or the
    domain error PushNotEncrypted for a plaintext push when an AES key is configured."""
    verify(token, query.get("signature"), query.get("timestamp"), query.get("nonce"))
    if len(body) > MAX_BODY:
        raise PushMalformed("too large")
    data = parse_body(body)
    if query.get("encrypt_type") == "aes" or "Encrypt" in data:
        return message(decrypt(data, token=token, aes_key=aes_key, appid=appid,
                               msg_signature=query.get("msg_signature"), timestamp=query["timestamp"],
                               nonce=query["nonce"]))
    msg = message(data)  # unreadable is a 400 whatever the mode
    if aes_key:
        raise errors.PushNotEncrypted()
    return msg


def subscriptions(msg: PushMessage) -> tuple[list[str], list[str]]:
    """(accepted, rejected) template ids of a subscribe_msg_popup/change event."""
    lists = msg.subscribe_msg_popup_event if msg.event == "subscribe_msg_popup_event" else msg.subscribe_msg_change_event
    accepted, rejected = [], []
    for item in lists.items if lists else ():
        (accepted if item.subscribe_status_string == "accept" else rejected).append(item.template_id)
    return accepted, rejected


async def _fresh_and_first(redis: Any, account: str, query: dict[str, str], carried: bytes, *, now: datetime,
                           window: int) -> None:
    """The signed timestamp is within ``window`` seconds of ``now``, and this signed query has not
    carried anything else before. Call only once the signature is checked."""
    try:
        timestamp = int(query["timestamp"])
    except (KeyError, ValueError):
        raise errors.PushStale() from None
    age = now.timestamp() - timestamp
    if abs(age) > window:
        raise errors.PushStale()
    key = SEEN_KEY.format(account=account, signature=query["signature"], timestamp=timestamp,
                          nonce=hashlib.sha256(query["nonce"].encode()).hexdigest()[:32])
    digest = hashlib.sha256(carried).hexdigest()
    # Remembered until the timestamp leaves the window; after that the window refuses it anyway.
    ttl = max(1, int(window - age) + 1)
    if await redis.set(key, digest, nx=True, ex=ttl):
        return
    seen = await redis.get(key)
    if (seen.decode() if isinstance(seen, bytes) else seen) != digest:
        raise errors.PushReplayed()


async def read_trusted(redis: Any, body: bytes, query: dict[str, str], *, account: str, token: str, aes_key: str,
                       appid: str, now: datetime, window: int) -> PushMessage:
    """Everything between the HTTP request and a trusted message, as 4xx domain errors: too
    large 413; unsigned 403; stale or replayed 403; plaintext while an AES key is set 403;
    unreadable 400; an event time beyond the window ahead 400."""
    if len(body) > MAX_BODY:
        raise errors.PushTooLarge()
    try:
        verify(token, query.get("signature"), query.get("timestamp"), query.get("nonce"))
    except PushRejected:
        raise errors.PushSignatureInvalid() from None
    await _fresh_and_first(redis, account, query, b"POST\n" + body, now=now, window=window)
    try:
        msg = read_push(body, query, token=token, aes_key=aes_key, appid=appid)
    except PushRejected:
        raise errors.PushSignatureInvalid() from None
    except PushMalformed as exc:
        raise errors.PushMalformed(str(exc)) from None
    if msg.create_time > now.timestamp() + window:
        raise errors.PushEventFromTheFuture()
    return msg


async def verify_url(redis: Any, query: dict[str, str], *, account: str, token: str, now: datetime,
                     window: int) -> str:
    """The URL check WeChat makes when a push address is configured (GET with echostr)."""
    try:
        verify(token, query.get("signature"), query.get("timestamp"), query.get("nonce"))
    except PushRejected:
        raise errors.PushSignatureInvalid() from None
    echostr = query.get("echostr", "")
    await _fresh_and_first(redis, account, query, b"GET\n" + echostr.encode(), now=now, window=window)
    return echostr


def push_too_large(request: Request, _: RequestEntityTooLarge) -> Response:
    """Litestar refuses an oversize push body while reading it; say so as our problem detail."""
    err = errors.PushTooLarge()
    return problem(request, status=err.status, code=err.code, title=err.title,
                   detail=f"消息推送不能超过 {MAX_BODY // 1024} KB。")
