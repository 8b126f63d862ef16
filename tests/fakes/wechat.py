"""A fake of the WeChat HTTP API that wechatpy talks to for real.

Login codes ``wx-<name>`` map to openid ``o-<name>`` and unionid ``u-<name>`` and work once
(40163 after); phone codes ``phone-<11 digits>`` return that number; anything else is 40029.
Access tokens come from ``/cgi-bin/stable_token``, each for the appid that asked; calls with an
unknown token get 40001. The official account (appid ``OA_APPID``) has its own followers
(``followers``: its openid -> unionid) and template messages; its API refuses a token of the
mini-program with 48001, as WeChat does.

Face verification 2.0 (``cityservice/face/identify``): getverifyid gives a verify_id valid 3600 s (by
``face_time``, which tests may replace) for an ``out_seq_no`` of 5-32 ``[0-9A-Za-z_-]`` unique per appid;
queryverifyinfo needs the same out_seq_no and openid and the cert_hash of the certificate sent, and
answers ``face_verify_ret`` (10000 verified; tests set 9000x). WeChat publishes no errcodes for these two
beyond 0: the fake uses the first face API's 84001 (invalid verify_id) and 84002 (expired), WeChat's
general 47001 (data format), 40003 (openid) and 40097 (invalid args: a reused out_seq_no, a wrong
cert_hash).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import time
import unicodedata
from typing import Any

from tests.fakes.http import FakeRequest, FakeServer, HangUp
from wechat.pages import PAGES

OA_APPID = "wx-test-official-account"


class FakeWeChat(FakeServer):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.used_codes: set[str] = set()
        self.valid_tokens: set[str] = set()
        self.token_app: dict[str, str] = {}
        self._counter = itertools.count(1)
        self.messages: list[dict[str, Any]] = []
        self.route("GET", "/sns/jscode2session")(self.jscode2session)
        self.route("POST", "/cgi-bin/stable_token")(self.stable_token)
        self.route("GET", "/cgi-bin/token")(self.legacy_token)
        self.route("POST", "/wxa/business/getuserphonenumber")(self.phone_number)
        self.route("POST", "/cgi-bin/message/custom/send")(self.custom_send)
        self.route("POST", "/cgi-bin/message/subscribe/send")(self.subscribe_send)
        self.route("POST", "/cgi-bin/message/template/send")(self.template_send)
        self.route("GET", "/cgi-bin/user/info")(self.user_info)
        self.route("POST", "/wxa/generate_urllink")(self.generate_urllink)
        self.route("POST", "/wxa/msg_sec_check")(self.msg_sec_check)
        self.route("GET", "/cgi-bin/media/get")(self.media_get)
        self.route("POST", "/cityservice/face/identify/getverifyid")(self.face_getverifyid)
        self.route("POST", "/cityservice/face/identify/queryverifyinfo")(self.face_queryverifyinfo)
        self._face_reset()
        # temporary media users sent (media_id -> bytes, content type); others are 40007 (expired)
        self.media: dict[str, tuple[bytes, str]] = {}
        # msgSecCheck 2.0: a text containing one of these words is risky (label 20001 时政) / for review
        self.risky_words: set[str] = {"【违规测试】", "办假证"}
        self.review_words: set[str] = {"【待复核测试】"}
        self.sec_checks: list[dict[str, Any]] = []
        # the released mini-program's pages (its app.json); a URL Link to any other is 40165
        self.miniprogram_pages: set[str] = set(PAGES)
        self.urllinks: list[dict[str, Any]] = []
        self.followers: dict[str, str] = {}
        self.template_sent: list[dict[str, Any]] = []
        self.template_errcode = 0
        self.subscribe_sent: list[dict[str, Any]] = []
        self.subscribe_errcode = 0
        # None: accept; 45015 (48-hour window over) or 45047 (5 replies used up): refuse
        self.custom_send_errcode: int | None = None
        # path -> how many more requests to it are held and then closed unanswered (nothing sent)
        self.hang_ups: dict[str, int] = {}

    def reset(self) -> None:
        super().reset()
        self.subscribe_sent = []
        self.subscribe_errcode = 0
        self.used_codes.clear()
        self.valid_tokens.clear()
        self.messages.clear()
        self.custom_send_errcode = None
        self.hang_ups = {}
        self.followers = {}
        self.template_sent = []
        self.template_errcode = 0
        self.miniprogram_pages = set(PAGES)
        self.urllinks = []
        self.risky_words = {"【违规测试】", "办假证"}
        self.review_words = {"【待复核测试】"}
        self.sec_checks = []
        self.media = {}
        self._face_reset()

    def _face_reset(self) -> None:
        self.face_sessions: dict[str, dict[str, Any]] = {}  # verify_id -> what getverifyid was given
        self.face_seq_nos: set[tuple[str, str]] = set()  # (appid, out_seq_no) ever used
        self.face_verify_ret = 10000  # what the person's scan comes to
        self.face_time = time.time

    def _token(self, appid: str = "") -> tuple[int, Any]:
        token = f"TOKEN-{next(self._counter)}"
        with self.lock:
            self.valid_tokens.add(token)
            self.token_app[token] = appid
        return 200, {"access_token": token, "expires_in": 7200}

    def stable_token(self, request: FakeRequest) -> tuple[int, Any]:
        body = request.json()
        if body.get("grant_type") != "client_credential" or not body.get("appid") or not body.get("secret"):
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}
        return self._token(body["appid"])

    def legacy_token(self, request: FakeRequest) -> tuple[int, Any]:
        return self._token(request.query.get("appid", ""))

    def token_ok(self, request: FakeRequest) -> bool:
        return request.query.get("access_token") in self.valid_tokens

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def jscode2session(self, request: FakeRequest) -> tuple[int, Any]:
        code = request.query.get("js_code", "")
        if not code.startswith("wx-"):
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        if code in self.used_codes:
            return 200, {"errcode": 40163, "errmsg": "code been used"}
        self.used_codes.add(code)
        return 200, {"openid": f"o-{code[3:]}", "unionid": f"u-{code[3:]}", "session_key": "c2Vzc2lvbg=="}

    def phone_number(self, request: FakeRequest) -> tuple[int, Any]:
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        code = request.json().get("code", "")
        if not code.startswith("phone-"):
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        phone = code[len("phone-"):]
        return 200, {"errcode": 0, "errmsg": "ok",
                     "phone_info": {"phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86"}}

    # WeChat's published limits for subscribe-message values (SDK-NOTES); a longer value is 47003.
    LIMITS = {"thing": 20, "phrase": 5, "character_string": 32, "name": 10, "number": 32}

    def _bad_data(self, body: dict[str, Any]) -> tuple[int, Any] | None:
        """47003 for a value with a control character (a line break), over its kind's limit, or a
        time in ISO 8601; None when all fit. Subscribe and template messages alike."""
        for key, value in body.get("data", {}).items():
            text = value.get("value", "") if isinstance(value, dict) else ""
            kind = key.rstrip("0123456789")
            if any(unicodedata.category(ch) == "Cc" for ch in text):
                return 200, {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value contains control characters"}
            if (kind in self.LIMITS and len(text) > self.LIMITS[kind]) or (kind in ("time", "date") and "T" in text):
                return 200, {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value"}
        return None

    def subscribe_send(self, request: FakeRequest) -> tuple[int, Any]:
        """Mini-program subscribe messages; accepted ones land in ``subscribe_sent``."""
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        if self.subscribe_errcode:
            return 200, {"errcode": self.subscribe_errcode, "errmsg": "user refuse to accept the msg"}
        body = request.json()
        if not body.get("touser") or not body.get("template_id"):
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        refused = self._bad_data(body)
        if refused:
            return refused
        if body.get("page") and body["page"].split("?")[0] not in self.miniprogram_pages:
            return 200, {"errcode": 41030, "errmsg": "invalid page"}
        with self.lock:
            self.subscribe_sent.append(body)
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(self.subscribe_sent)}

    def hang_up(self, path: str, times: int = 1) -> None:
        """The next ``times`` requests to ``path`` time out: held a moment, then closed unanswered."""
        with self.lock:
            self.hang_ups[path] = self.hang_ups.get(path, 0) + times

    def _hangs_up(self, request: FakeRequest) -> None:
        with self.lock:
            left = self.hang_ups.get(request.path, 0)
            if left:
                self.hang_ups[request.path] = left - 1
        if left:
            raise HangUp(hold=0.2)

    def custom_send(self, request: FakeRequest) -> tuple[int, Any]:
        """Customer-service messages; sent texts land in ``messages`` as {"touser", "text"}."""
        self._hangs_up(request)
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        if self.custom_send_errcode:
            return 200, {"errcode": self.custom_send_errcode, "errmsg": "response out of time limit or subscription is canceled"}
        body = request.json()
        if body.get("msgtype") != "text" or not body.get("touser"):
            return 200, {"errcode": 47001, "errmsg": "data format error"}
        with self.lock:
            self.messages.append({"touser": body["touser"], "text": body["text"]["content"]})
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _official_account(self, request: FakeRequest) -> tuple[int, Any] | None:
        """The refusal a call to the official account's API gets, or None when its token is good."""
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        if self.token_app.get(request.query.get("access_token", "")) != OA_APPID:
            return 200, {"errcode": 48001, "errmsg": "api unauthorized"}
        return None

    def user_info(self, request: FakeRequest) -> tuple[int, Any]:
        refused = self._official_account(request)
        if refused:
            return refused
        openid = request.query.get("openid", "")
        if openid not in self.followers:
            return 200, {"subscribe": 0, "openid": openid}
        return 200, {"subscribe": 1, "openid": openid, "unionid": self.followers[openid], "subscribe_time": 1780000000}

    def template_send(self, request: FakeRequest) -> tuple[int, Any]:
        """Official-account template messages; accepted ones land in ``template_sent``."""
        refused = self._official_account(request)
        if refused:
            return refused
        if self.template_errcode:
            return 200, {"errcode": self.template_errcode, "errmsg": "template send refused"}
        body = request.json()
        if body.get("touser") not in self.followers:
            return 200, {"errcode": 43004, "errmsg": "require subscribe"}
        refused = self._bad_data(body)
        if refused:
            return refused
        with self.lock:
            self.template_sent.append(body)
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": 2000 + len(self.template_sent)}

    def generate_urllink(self, request: FakeRequest) -> tuple[int, Any]:
        """urllink.generate: a page of the released mini-program, a query of at most 1024 characters,
        expiring within 30 days; each accepted request lands in ``urllinks``."""
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        body = request.json()
        if body.get("path") not in self.miniprogram_pages:
            return 200, {"errcode": 40165, "errmsg": "invalid weapp pagepath"}
        if len(body.get("query", "")) > 1024:
            return 200, {"errcode": 40212, "errmsg": "invalid query"}
        if body.get("expire_type") == 1 and not 1 <= int(body.get("expire_interval", 0)) <= 30:
            return 200, {"errcode": 40097, "errmsg": "invalid args"}
        with self.lock:
            self.urllinks.append(body)
            n = len(self.urllinks)
        return 200, {"errcode": 0, "errmsg": "ok", "url_link": f"https://wxaurl.cn/fake{n:06d}"}

    def msg_sec_check(self, request: FakeRequest) -> tuple[int, Any]:
        """msgSecCheck 2.0 as published: version 2, a scene 1-4 and the author's openid (one this
        mini-program knows: ``o-<name>`` from a login code) are required; the answer carries
        ``result.suggest`` (pass / review / risky), ``result.label`` and ``detail``."""
        self._hangs_up(request)
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        body = request.json()
        if body.get("version") != 2 or body.get("scene") not in (1, 2, 3, 4) or not body.get("content"):
            return 200, {"errcode": 47001, "errmsg": "data format error"}
        if not str(body.get("openid", "")).startswith("o-"):
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        with self.lock:
            self.sec_checks.append(body)
        text = body["content"]
        if any(w in text for w in self.risky_words):
            suggest, label = "risky", 20001
        elif any(w in text for w in self.review_words):
            suggest, label = "review", 20006
        else:
            suggest, label = "pass", 100
        return 200, {"errcode": 0, "errmsg": "ok", "trace_id": f"trace-{len(self.sec_checks)}",
                     "result": {"suggest": suggest, "label": label},
                     "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label,
                                 "prob": 90 if suggest != "pass" else 0}]}

    def media_get(self, request: FakeRequest) -> tuple[int, Any] | tuple[int, bytes, str]:
        """media/get: the file with its content type, or JSON 40007 for a media id WeChat does not keep."""
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return 200, {"errcode": 40007, "errmsg": "invalid media_id"}
        return 200, found[0], found[1]

    FACE_SEQ = re.compile(r"^[0-9A-Za-z_-]{5,32}$")
    FACE_EXPIRES_IN = 3600

    @staticmethod
    def face_cert_hash(info: dict[str, Any]) -> str:
        """The published rule: base64 each of cert_type, cert_name, cert_no; join; SHA-256; lower hex."""
        parts = [f"{k}={base64.b64encode(str(info.get(k, '')).encode()).decode()}"
                 for k in ("cert_type", "cert_name", "cert_no")]
        return hashlib.sha256("&".join(parts).encode()).hexdigest()

    def face_getverifyid(self, request: FakeRequest) -> tuple[int, Any]:
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        body = request.json()
        info = body.get("cert_info") or {}
        if (not self.FACE_SEQ.match(str(body.get("out_seq_no", ""))) or info.get("cert_type") != "IDENTITY_CARD"
                or not info.get("cert_name") or not info.get("cert_no")):
            return 200, {"errcode": 47001, "errmsg": "data format error"}
        if not str(body.get("openid", "")).startswith("o-"):
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        appid = self.token_app.get(request.query.get("access_token", ""), "")
        with self.lock:
            if (appid, body["out_seq_no"]) in self.face_seq_nos:
                return 200, {"errcode": 40097, "errmsg": "invalid args: out_seq_no already used"}
            self.face_seq_nos.add((appid, body["out_seq_no"]))
            verify_id = f"fv-{next(self._counter):08d}"
            self.face_sessions[verify_id] = {"appid": appid, "out_seq_no": body["out_seq_no"],
                                             "openid": body["openid"], "cert_info": dict(info),
                                             "expires_at": self.face_time() + self.FACE_EXPIRES_IN}
        return 200, {"errcode": 0, "errmsg": "ok", "verify_id": verify_id, "expires_in": self.FACE_EXPIRES_IN}

    def face_queryverifyinfo(self, request: FakeRequest) -> tuple[int, Any]:
        if not self.token_ok(request):
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        body = request.json()
        session = self.face_sessions.get(str(body.get("verify_id", "")))
        appid = self.token_app.get(request.query.get("access_token", ""), "")
        if (session is None or session["appid"] != appid or session["out_seq_no"] != body.get("out_seq_no")
                or session["openid"] != body.get("openid")):
            return 200, {"errcode": 84001, "errmsg": "invalid verify_id"}
        if self.face_time() > session["expires_at"]:
            return 200, {"errcode": 84002, "errmsg": "verify_id expired"}
        if body.get("cert_hash") != self.face_cert_hash(session["cert_info"]):
            return 200, {"errcode": 40097, "errmsg": "invalid args: cert_hash"}
        return 200, {"errcode": 0, "errmsg": "ok", "verify_ret": self.face_verify_ret}
