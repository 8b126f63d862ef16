"""SMS providers: Aliyun (aliyun-python-sdk-dysmsapi) and the sandbox.

The SDK is synchronous: these methods run in a worker thread, called from the delivery job
with no database connection held. Aliyun answers business errors with HTTP 200 and a ``Code``;
the SDK raises only for HTTP errors and network failures, and never retries (retries are ours).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import msgspec
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkdysmsapi.request.v20170525.QuerySendDetailsRequest import QuerySendDetailsRequest
from aliyunsdkdysmsapi.request.v20170525.SendSmsRequest import SendSmsRequest

from notify.sender import SendResult

# Bad number or bad template parameters: this message can never go out as it is.
PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT", "isv.INVALID_PARAMETERS", "isv.PARAM_NOT_SUPPORT_URL", "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT", "isv.INVALID_JSON_PARAM", "isv.EXTEND_CODE_ERROR", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    "MissingPhoneNumbers", "InvalidPhoneNumbers",
}
# Account, signature or template configuration: no message can go out until a person fixes it.
PAUSE = {
    "isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL", "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.PRODUCT_UN_SUBSCRIPT",
    "isv.PRODUCT_UNSUBSCRIBE", "isp.RAM_PERMISSION_DENY", "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
    "isv.TEMPLATE_NOT_EXISTS", "isv.SIGN_NAME_ILLEGAL",
    "SignatureDoesNotMatch", "InvalidAccessKeySecret", "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
    "Forbidden.RAM", "Forbidden.AccessKeyDisabled",
}
# Per-number frequency control (verification codes: 1/min, 5/h, 10/day): try again much later.
LATER = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL"}
# Throttling and provider trouble: back off and retry.
RETRY = {"Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError",
         "isp.SYSTEM_ERROR", "isv.SYSTEM_ERROR", "SDK.HttpError", "SDK.ServerUnreachable"}


class Detail(msgspec.Struct, frozen=True):
    """One QuerySendDetails entry: SendStatus 1 = waiting for the receipt, 2 = failed, 3 = delivered."""

    out_id: str
    send_status: int
    err_code: str = ""


def classify(code: str, message: str = "", *, http_status: int | None = None) -> SendResult:
    if code == "OK":
        return SendResult("accepted", code, message)
    if code in PERMANENT:
        return SendResult("failed", code, message)
    if code in LATER:
        return SendResult("retry_later", code, message)
    if code in PAUSE:
        return SendResult("pause", code, message)
    if code in RETRY or (http_status or 0) >= 500 or code.startswith("Throttling"):
        return SendResult("retry", code, message, uncertain=code == "SDK.HttpError")
    # Unknown answers: retry with backoff rather than drop a message or storm the provider.
    return SendResult("retry", code, message)


class SandboxSms:
    """Sends nothing outside: the outbox row (content, status) is the record of the message."""

    name = "sandbox"

    def send(self, *, phone: str, template: str, params: dict[str, str], out_id: str) -> SendResult:
        return SendResult("accepted", "OK", "sandbox", ref=f"sandbox-{out_id}")

    def find(self, *, phone: str, out_id: str, dates: list[date], biz_id: str | None = None) -> Detail | None:
        return Detail(out_id=out_id, send_status=3, err_code="DELIVERED")


class AliyunSms:
    name = "aliyun"

    def __init__(self, settings: Any, *, timeout: float = 5.0, connect_timeout: float = 3.0,
                 pool_size: int = 50) -> None:
        self.endpoint = settings.aliyun_sms_endpoint
        self.protocol = settings.aliyun_sms_protocol
        self.sign_name = settings.sms_sign_name
        # auto_retry off: SendSms is not idempotent, and our retries look for the OutId first.
        self.client = AcsClient(settings.aliyun_access_key_id, settings.aliyun_access_key_secret,
                                region_id="cn-hangzhou", auto_retry=False, timeout=timeout,
                                connect_timeout=connect_timeout, pool_size=pool_size)

    def _prepare(self, request: Any) -> Any:
        request.set_endpoint(self.endpoint)
        request.set_protocol_type(self.protocol)
        request.set_accept_format("JSON")
        return request

    def _call(self, request: Any) -> tuple[dict[str, Any] | None, SendResult | None]:
        try:
            body = self.client.do_action_with_exception(self._prepare(request))
        except ServerException as exc:
            return None, classify(exc.get_error_code() or "", exc.get_error_msg() or "",
                                  http_status=exc.get_http_status())
        except ClientException as exc:  # network failure or timeout: we do not know what Aliyun did
            return None, SendResult("retry", exc.get_error_code() or "SDK.HttpError", exc.get_error_msg() or "",
                                    uncertain=True)
        try:
            return json.loads(body), None
        except ValueError:
            return None, SendResult("retry", "BadResponse", body[:200].decode(errors="replace"))

    def send(self, *, phone: str, template: str, params: dict[str, str], out_id: str) -> SendResult:
        request = SendSmsRequest()
        request.set_PhoneNumbers(phone)
        request.set_SignName(self.sign_name)
        request.set_TemplateCode(template)
        request.set_TemplateParam(json.dumps(params, ensure_ascii=False))
        request.set_OutId(out_id)
        data, error = self._call(request)
        if error is not None:
            return error
        result = classify(str(data.get("Code", "")), str(data.get("Message", "")))
        return msgspec.structs.replace(result, ref=data.get("BizId")) if result.verdict == "accepted" else result

    def find(self, *, phone: str, out_id: str, dates: list[date], biz_id: str | None = None) -> Detail | None:
        """Look for our OutId among the messages sent to ``phone`` on ``dates``. Raises
        LookupError when Aliyun cannot answer (then nobody may send again yet)."""
        for day in dates:
            page = 1
            while True:
                request = QuerySendDetailsRequest()
                request.set_PhoneNumber(phone)
                request.set_SendDate(day.strftime("%Y%m%d"))
                request.set_PageSize(50)
                request.set_CurrentPage(page)
                if biz_id:
                    request.set_BizId(biz_id)
                data, error = self._call(request)
                if error is not None or data.get("Code") != "OK":
                    raise LookupError(error.code if error else data.get("Code"))
                entries = (data.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
                for entry in entries:
                    if str(entry.get("OutId")) == out_id:
                        return Detail(out_id=out_id, send_status=int(entry.get("SendStatus", 1)),
                                      err_code=str(entry.get("ErrCode") or ""))
                if page * 50 >= int(data.get("TotalCount") or 0) or not entries:
                    break
                page += 1
        return None


def sms_provider_for(settings: Any, **options: Any) -> SandboxSms | AliyunSms:
    return AliyunSms(settings, **options) if settings.sms_provider == "aliyun" else SandboxSms()
