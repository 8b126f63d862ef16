"""WeChat failures as domain errors (their statuses come from the families in api.errors)."""

from api.errors import BadRequest, Conflict, Forbidden, Gone, PayloadTooLarge, TooManyRequests, Unavailable


class WechatCodeInvalid(BadRequest):
    """微信登录凭证无效或已使用，请重新登录。"""

    code = "wechat_code_invalid"


class WechatPhoneCodeInvalid(BadRequest):
    """微信手机号授权无效或已过期，请重新授权。"""

    code = "wechat_phone_code_invalid"


class WechatUnavailable(Unavailable):
    """微信服务暂时无法访问，请稍后再试。"""

    code = "wechat_unavailable"


class WechatTooFrequent(TooManyRequests):
    """微信登录太频繁，请稍后再试。"""

    code = "wechat_too_frequent"


class WechatUserRisky(Forbidden):
    """该微信账号存在风险，暂不能登录，请改用短信验证码登录。"""

    code = "wechat_user_risky"


class WechatReplyWindowClosed(Conflict):
    """距用户上次发消息已超过 48 小时或回复次数已用完，无法再通过微信回复，请改用短信联系。"""

    code = "wechat_reply_window_closed"


class PushSignatureInvalid(Forbidden):
    """消息签名校验失败。"""

    code = "wechat_push_signature_invalid"


class PushMalformed(BadRequest):
    """无法解析的消息推送。"""

    code = "wechat_push_malformed"


class PushStale(Forbidden):
    """消息推送的时间戳已过期或无效，可能是被截获后重放的请求。"""

    code = "wechat_push_stale"


class PushReplayed(Forbidden):
    """该签名已用于另一条消息推送，拒绝重放。"""

    code = "wechat_push_replayed"


class PushNotEncrypted(Forbidden):
    """已配置消息加密密钥，只接受安全模式（加密）的消息推送。"""

    code = "wechat_push_not_encrypted"


class PushEventFromTheFuture(BadRequest):
    """消息推送的事件时间晚于当前时间，无法受理。"""

    code = "wechat_push_future_event"


class PushTooLarge(PayloadTooLarge):
    """消息推送内容过大。"""

    code = "wechat_push_too_large"


class WechatMediaGone(Gone):
    """该图片或语音已在微信中失效（临时素材保存3天）。"""

    code = "wechat_media_gone"
