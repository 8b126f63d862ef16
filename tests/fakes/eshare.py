"""A fake of the provincial e-licence sharing service (省电子证照共享平台) as a local HTTP server,
faithful to the protocol ``api/licences/sources/share.py`` speaks and the README documents: signed
requests (app key, timestamp within five minutes, a nonce used once, HMAC-SHA256 over method, path,
key, timestamp, nonce and the body's SHA-256) are checked; a bad one is refused with 401
``signature_invalid`` as the real platform refuses it. Licences are GB/T 36903 records kept per
holder; ``delay`` fakes a slow platform, ``fail_status`` a broken one."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import date
from typing import Any

from api.licences.sources.share import PATH, signature
from tests.fakes.http import FakeRequest, FakeServer

APP_KEY = "zsb-test-app"
APP_SECRET = "zsb-test-secret-0123456789abcdef"


class FakeShare(FakeServer):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.licences: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.nonces: set[str] = set()
        self.route("POST", PATH)(self._query)

    def add(self, *, holder_id_type: str, holder_id_number: str, holder_name: str, type_code: str, number: str,
            name: str, subject: str | None = None, status: str = "有效", valid_from: date = date(2020, 1, 1),
            valid_until: date | None = None, data: dict[str, Any] | None = None, identifier: str | None = None) -> str:
        ident = identifier or f"1.2.156.3005.2.{type_code}.{hashlib.sha1(number.encode()).hexdigest()[:12]}"
        self.licences.setdefault((holder_id_type, holder_id_number.upper()), []).append({
            "identifier": ident, "typeCode": type_code, "name": name, "number": number, "holderName": holder_name,
            "holderIdType": holder_id_type, "holderIdNumber": holder_id_number, "issuer": "浙江省温州市公安局交通警察支队",
            "issueDate": valid_from.isoformat(), "validFrom": valid_from.isoformat(),
            "validUntil": valid_until.isoformat() if valid_until else None, "status": status, "subject": subject,
            "data": data or {}})
        return ident

    def _query(self, request: FakeRequest) -> tuple[int, Any]:
        h = request.headers
        key, ts, nonce, sig = h.get("x-app-key"), h.get("x-timestamp", ""), h.get("x-nonce", ""), h.get("x-signature", "")
        if key != APP_KEY:
            return 401, {"code": "app_key_unknown", "message": "应用标识未注册"}
        if not ts.isdigit() or abs(time.time() - int(ts)) > 300:
            return 401, {"code": "timestamp_expired", "message": "时间戳超出允许范围"}
        expected = signature(APP_SECRET, method="POST", path=PATH, app_key=key, timestamp=ts, nonce=nonce,
                             body=request.body)
        if not hmac.compare_digest(expected, sig):
            return 401, {"code": "signature_invalid", "message": "签名验证失败"}
        with self.lock:
            if nonce in self.nonces:
                return 401, {"code": "nonce_replayed", "message": "请求已使用"}
            self.nonces.add(nonce)
        body = request.json()
        found = self.licences.get((body["holderIdType"], str(body["holderIdNumber"]).upper()), [])
        return 200, {"code": "ok", "licences": [r for r in found if r["typeCode"] in body["licenceTypes"]]}
