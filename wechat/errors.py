"""WeChat failures as domain errors (their statuses come from the families in api.errors)."""

from api.errors import BadRequest, Conflict, Forbidden, TooManyRequests, Unavailable


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
