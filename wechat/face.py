"""WeChat face verification 2.0 (微信人脸核身, ``cityservice/face/identify``).

``getverifyid`` takes the person's name and resident ID with their openid and gives a ``verify_id`` for
the mini-program's ``wx.requestFacialVerify`` (valid ``expires_in``, 3600 s by default);
``queryverifyinfo`` then tells the real outcome, proved by ``cert_hash`` (see ``cert_hash``). Verified
only when ``errcode == 0`` and ``verify_ret == 10000``. wechatpy 1.8 has no wrapper: the bodies go
through the shared-token client's public ``post``. Nothing here logs a name or an ID number.

Sandbox (``ZSB_WECHAT_MODE=sandbox``, ``make dev``): nothing leaves the machine; the outcome is decided
by the ID number's sequence digits (its 15th-17th characters): ``999`` -> 90002 (the person cancelled),
``998`` -> 90008 (camera refused), anything else verified (10000).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Protocol

import anyio.to_thread
import msgspec
import structlog
from wechatpy.exceptions import WeChatClientException

from wechat.client import is_unavailable
from wechat.customer_service import client_for
from wechat.errors import WechatUnavailable

log = structlog.get_logger("zsb.wechat.face")

CERT_TYPE = "IDENTITY_CARD"
VERIFIED = 10000
DEFAULT_EXPIRES_IN = 3600
SANDBOX_RULE = {"999": 90002, "998": 90008}


def cert_hash(cert_type: str, cert_name: str, cert_no: str) -> str:
    """queryverifyinfo's cert_hash: standard base64 of each field, joined
    ``cert_type=…&cert_name=…&cert_no=…``, SHA-256, lower-case hex."""
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    joined = f"cert_type={b64(cert_type)}&cert_name={b64(cert_name)}&cert_no={b64(cert_no)}"
    return hashlib.sha256(joined.encode()).hexdigest()


class FaceSession(msgspec.Struct, frozen=True):
    verify_id: str
    expires_in: int = DEFAULT_EXPIRES_IN


class FaceOutcome(msgspec.Struct, frozen=True):
    """What queryverifyinfo said: an errcode (0 when the call was accepted) and the verify_ret."""

    errcode: int = 0
    verify_ret: int | None = None

    @property
    def verified(self) -> bool:
        return self.errcode == 0 and self.verify_ret == VERIFIED


class FaceRefused(Exception):
    """WeChat refused getverifyid with an errcode (bad certificate, openid, out_seq_no)."""

    def __init__(self, errcode: int) -> None:
        super().__init__(errcode)
        self.errcode = errcode


class FaceGateway(Protocol):
    async def get_verify_id(self, *, out_seq_no: str, name: str, id_number: str, openid: str) -> FaceSession: ...

    async def query_verify_info(self, *, verify_id: str, out_seq_no: str, openid: str, name: str,
                                id_number: str) -> FaceOutcome: ...


class SandboxFace:
    async def get_verify_id(self, *, out_seq_no: str, name: str, id_number: str, openid: str) -> FaceSession:
        return FaceSession(verify_id=f"sandbox-{out_seq_no}")

    async def query_verify_info(self, *, verify_id: str, out_seq_no: str, openid: str, name: str,
                                id_number: str) -> FaceOutcome:
        return FaceOutcome(0, SANDBOX_RULE.get(id_number[14:17], VERIFIED))


class LiveFace:
    def __init__(self, client: Any) -> None:
        self.client = client

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.client.api_base}/{path}"
        try:
            data = await anyio.to_thread.run_sync(lambda: self.client.call(self.client.post, url, data=body))
        except WeChatClientException as exc:
            if is_unavailable(exc):
                raise WechatUnavailable() from None
            log.warning("wechat_face_refused", path=path, errcode=exc.errcode)  # errmsg may echo the body
            raise FaceRefused(int(exc.errcode)) from None
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("wechat_unavailable", path=path, error=type(exc).__name__)
                raise WechatUnavailable() from None
            raise
        if not isinstance(data, dict):
            raise WechatUnavailable()
        return data

    async def get_verify_id(self, *, out_seq_no: str, name: str, id_number: str, openid: str) -> FaceSession:
        body = {"out_seq_no": out_seq_no, "openid": openid,
                "cert_info": {"cert_type": CERT_TYPE, "cert_name": name, "cert_no": id_number}}
        data = await self._post("cityservice/face/identify/getverifyid", body)
        if not data.get("verify_id"):
            raise WechatUnavailable()
        return FaceSession(verify_id=data["verify_id"], expires_in=int(data.get("expires_in") or DEFAULT_EXPIRES_IN))

    async def query_verify_info(self, *, verify_id: str, out_seq_no: str, openid: str, name: str,
                                id_number: str) -> FaceOutcome:
        body = {"verify_id": verify_id, "out_seq_no": out_seq_no, "openid": openid,
                "cert_hash": cert_hash(CERT_TYPE, name, id_number)}
        try:
            data = await self._post("cityservice/face/identify/queryverifyinfo", body)
        except FaceRefused as exc:
            return FaceOutcome(exc.errcode, None)
        ret = data.get("verify_ret")
        return FaceOutcome(int(data.get("errcode", 0)), int(ret) if ret is not None else None)


def face_for(settings: Any) -> FaceGateway:
    if settings.wechat_mode == "live":
        return LiveFace(client_for(settings))
    return SandboxFace()
