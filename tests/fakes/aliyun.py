"""A fake of Aliyun's SMS API (dysmsapi, POP RPC style) that aliyun-python-sdk talks to for real.

It checks the POP signature (HMAC-SHA1 over the sorted, percent-encoded parameters, key
``secret + "&"``), so a wrong AccessKeySecret fails exactly as on Aliyun. SendSms records every
accepted message by OutId (two records under one OutId = a duplicate); QuerySendDetails finds
them by phone and date. Faults: ``answers`` (codes to return next, e.g. "isv.AMOUNT_NOT_ENOUGH"),
``slow_after_record`` (record the message, then answer too late: the client times out although
the message went out), and FakeServer's ``fail_status`` / ``delay``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
from collections import defaultdict
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote

from api.clock import ZONE
from tests.fakes.http import FakeRequest, FakeServer

ACCESS_KEY_ID = "test-ak-id"
ACCESS_KEY_SECRET = "test-ak-secret"
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def _enc(value: str) -> str:
    return quote(value, safe="-_.~")


def pop_signature(method: str, params: dict[str, str], secret: str) -> str:
    """Aliyun's RPC signature, written from the published algorithm (not the SDK's code)."""
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = f"{method}&{_enc('/')}&{_enc(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()) if k != "Signature")
    return f"{method}&{_enc('/')}&{_enc(canonical)}"


class FakeAliyun(FakeServer):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.keys = {ACCESS_KEY_ID: ACCESS_KEY_SECRET}
        self._biz = itertools.count(1000)
        self.route("GET", "/")(self.dispatch)
        self.route("POST", "/")(self.dispatch)
        self._clear()

    def _clear(self) -> None:
        self.sent: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.answers: list[str] = []
        self.slow_after_record = 0.0
        self.receipt_status = 3  # what QuerySendDetails says of a message: 1 waiting, 2 failed, 3 delivered
        self.rejected_signatures = 0

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self._clear()

    # --- what tests read ---
    def messages(self, phone: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [m for msgs in self.sent.values() for m in msgs if phone is None or m["phone"] == phone]

    def duplicates(self) -> dict[str, int]:
        with self.lock:
            return {k: len(v) for k, v in self.sent.items() if len(v) > 1}

    def last_code(self, phone: str) -> str:
        codes = [m["params"].get("code") for m in self.messages(phone) if "code" in m["params"]]
        assert codes, f"no code sent to {phone}"
        return codes[-1]

    # --- the API ---
    def dispatch(self, request: FakeRequest) -> tuple[int, Any]:
        # blank values are signed too (the SDK sends "SignatureType="), so parse keeping them
        params = {k: v[-1] for k, v in parse_qs(request.raw_query, keep_blank_values=True).items()}
        if request.method == "POST" and request.body:
            params.update({k: v[-1] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()})
        secret = self.keys.get(params.get("AccessKeyId", ""))
        if secret is None:
            return 404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}
        if not hmac.compare_digest(pop_signature(request.method, params, secret), params.get("Signature", "")):
            with self.lock:
                self.rejected_signatures += 1
            return 400, {"Code": "SignatureDoesNotMatch",
                         "Message": "Specified signature is not matched with our calculation. server string to sign "
                                    "is:" + string_to_sign(request.method, params)}
        action = params.get("Action")
        if action == "SendSms":
            return self.send_sms(params)
        if action == "QuerySendDetails":
            return self.query_send_details(params)
        return 404, {"Code": "InvalidAction.NotFound", "Message": f"unknown action {action}"}

    def send_sms(self, params: dict[str, str]) -> tuple[int, Any]:
        request_id = f"req-{next(self._biz)}"
        with self.lock:
            answer = self.answers.pop(0) if self.answers else None
        if answer is not None:
            if answer.startswith("HTTP"):
                return int(answer[4:]), {"Code": "ServiceUnavailable", "Message": "fault", "RequestId": request_id}
            return 200, {"Code": answer, "Message": "fault injected", "RequestId": request_id}
        phone = params.get("PhoneNumbers", "")
        if not _PHONE.match(phone):
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": request_id}
        try:
            template_params = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return 200, {"Code": "isv.INVALID_JSON_PARAM", "Message": "JSON参数不合法", "RequestId": request_id}
        if not params.get("SignName") or not params.get("TemplateCode"):
            return 200, {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法", "RequestId": request_id}
        biz_id = f"{next(self._biz)}^0"
        record = {"phone": phone, "out_id": params.get("OutId", ""), "template": params["TemplateCode"],
                  "sign": params["SignName"], "params": template_params, "biz_id": biz_id,
                  "date": datetime.now(ZONE).strftime("%Y%m%d")}
        with self.lock:
            self.sent[record["out_id"]].append(record)
            slow = self.slow_after_record
        if slow:
            time.sleep(slow)
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": request_id}

    def query_send_details(self, params: dict[str, str]) -> tuple[int, Any]:
        phone, day, biz_id = params.get("PhoneNumber", ""), params.get("SendDate", ""), params.get("BizId")
        size, page = int(params.get("PageSize") or 10), int(params.get("CurrentPage") or 1)
        found = [m for m in self.messages(phone) if m["date"] == day and (not biz_id or m["biz_id"] == biz_id)]
        chunk = found[(page - 1) * size: page * size]
        status = self.receipt_status
        return 200, {"Code": "OK", "Message": "OK", "TotalCount": len(found), "RequestId": "q",
                     "SmsSendDetailDTOs": {"SmsSendDetailDTO": [
                         {"PhoneNum": m["phone"], "OutId": m["out_id"], "SendStatus": status,
                          "ErrCode": {3: "DELIVERED", 2: "MK:0001"}.get(status, ""), "TemplateCode": m["template"],
                          "Content": json.dumps(m["params"], ensure_ascii=False), "SendDate": m["date"]}
                         for m in chunk]}}
