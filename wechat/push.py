"""WeChat message push (消息推送): signature check, safe-mode decryption, XML/JSON parsing.

Plain mode signs ``token, timestamp, nonce``; safe mode (``encrypt_type=aes``) also signs the
ciphertext (``msg_signature``) and wraps the message in AES-256-CBC, which
``wechatpy.crypto.WeChatCrypto`` undoes. XML goes through defusedxml: a push body is
attacker-controlled until its signature is checked, and even then entities and DTDs have no
business in it.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

MAX_BODY = 64 * 1024


class PushRejected(Exception):
    """The signature (or the ciphertext's signature) does not match: not from WeChat."""


class PushMalformed(Exception):
    """Signed, but not a message we can read."""


class PushMessage(msgspec.Struct, frozen=True, kw_only=True):
    openid: str
    msg_type: str
    create_time: int
    msg_id: str | None = None
    event: str | None = None
    content: str | None = None
    raw: dict[str, Any] = {}

    @property
    def dedupe_key(self) -> str:
        # Messages carry MsgId; events do not, so they are keyed by sender, time and event.
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{self.openid}:{self.create_time}:{self.event or ''}"


def verify(token: str, signature: str | None, timestamp: str | None, nonce: str | None) -> None:
    if not (token and signature and timestamp and nonce):
        raise PushRejected()
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException:
        raise PushRejected() from None


def _parse_xml(body: bytes | str) -> dict[str, Any]:
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as exc:
        raise PushMalformed(str(exc)) from None
    out: dict[str, Any] = {}
    for child in root:
        known = out.get(child.tag)
        if len(child):  # nested lists (e.g. subscribe events) become lists of dicts
            if known is not None and not isinstance(known, list):  # found by fuzzing: was a 500
                raise PushMalformed(f"{child.tag} is both a value and a list")
            out.setdefault(child.tag, []).extend({g.tag: (g.text or "") for g in item} for item in child)
        elif isinstance(known, list):
            raise PushMalformed(f"{child.tag} is both a list and a value")
        else:
            out[child.tag] = child.text or ""
    return out


def parse_body(body: bytes | str) -> dict[str, Any]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise PushMalformed(str(exc)) from None
        if not isinstance(data, dict):
            raise PushMalformed("not an object")
        return data
    if stripped.startswith("<"):
        return _parse_xml(stripped)
    raise PushMalformed("neither XML nor JSON")


def decrypt(data: dict[str, Any], *, token: str, aes_key: str, appid: str, msg_signature: str | None,
            timestamp: str, nonce: str) -> dict[str, Any]:
    if not aes_key or not data.get("Encrypt"):
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


def message(data: dict[str, Any]) -> PushMessage:
    try:
        openid = str(data["FromUserName"])
        msg_type = str(data["MsgType"])
        create_time = int(data.get("CreateTime") or 0)
    except (KeyError, TypeError, ValueError) as exc:
        raise PushMalformed(f"missing {exc}") from None
    msg_id = data.get("MsgId")
    return PushMessage(openid=openid, msg_type=msg_type, create_time=create_time,
                       msg_id=str(msg_id) if msg_id not in (None, "") else None,
                       event=data.get("Event") or None, content=data.get("Content"), raw=data)


def read_push(body: bytes, query: dict[str, str], *, token: str, aes_key: str, appid: str) -> PushMessage:
    """Everything between the HTTP request and a trusted message; raises PushRejected/PushMalformed."""
    verify(token, query.get("signature"), query.get("timestamp"), query.get("nonce"))
    if len(body) > MAX_BODY:
        raise PushMalformed("too large")
    data = parse_body(body)
    if query.get("encrypt_type") == "aes" or "Encrypt" in data:
        data = decrypt(data, token=token, aes_key=aes_key, appid=appid, msg_signature=query.get("msg_signature"),
                       timestamp=query["timestamp"], nonce=query["nonce"])
    return message(data)


def subscriptions(msg: PushMessage) -> tuple[list[str], list[str]]:
    """(accepted, rejected) template ids of a subscribe_msg_popup/change event, XML or JSON shaped."""
    raw = msg.raw
    key = "SubscribeMsgPopupEvent" if msg.event == "subscribe_msg_popup_event" else "SubscribeMsgChangeEvent"
    items: Any = raw.get(key) or []
    if isinstance(items, dict):
        items = items.get("List") or []
    if isinstance(items, dict):
        items = [items]
    accepted, rejected = [], []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("TemplateId"):
            continue
        status = item.get("SubscribeStatusString")
        (accepted if status == "accept" else rejected).append(str(item["TemplateId"]))
    return accepted, rejected


def read_trusted(body: bytes, query: dict[str, str], *, token: str, aes_key: str, appid: str) -> PushMessage:
    """``read_push`` for a route: a push that is too large, unsigned or unreadable is a 4xx problem."""
    from wechat.errors import PushMalformed as Unreadable
    from wechat.errors import PushSignatureInvalid, PushTooLarge

    if len(body) > MAX_BODY:
        raise PushTooLarge()
    try:
        return read_push(body, query, token=token, aes_key=aes_key, appid=appid)
    except PushRejected:
        raise PushSignatureInvalid() from None
    except PushMalformed as exc:
        raise Unreadable(str(exc)) from None


def verify_url(query: dict[str, str], *, token: str) -> str:
    """The URL check WeChat makes when a push address is configured (GET with echostr)."""
    from wechat.errors import PushSignatureInvalid

    try:
        verify(token, query.get("signature"), query.get("timestamp"), query.get("nonce"))
    except PushRejected:
        raise PushSignatureInvalid() from None
    return query.get("echostr", "")
