"""What signing in, refreshing and binding a phone can refuse."""

from __future__ import annotations

from api.errors import Conflict, Forbidden, NotFound, Unauthorized


class BadCredentials(Unauthorized):
    """手机号或密码不正确。"""

    code = "bad_credentials"
    keep_changes = True  # the failed try counts towards the account's lock (service/lockout.py)


class AccountDisabled(Forbidden):
    """该账号已停用，如有疑问请联系管理部门。"""

    code = "account_disabled"


class PasswordChangeRequired(Forbidden):
    """密码已由管理员重置，请先设置新密码（POST /api/v1/auth/staff-password）。"""

    code = "password_change_required"
    keep_changes = True  # the right password cleared the failed tries; that stands


class RefreshTokenInvalid(Unauthorized):
    """登录已失效，请重新登录。"""

    code = "refresh_token_invalid"
    keep_changes = True  # a reused token revokes its whole family, and that must stick


class PhoneTaken(Conflict):
    """该手机号已绑定其他账号。"""

    code = "phone_taken"


class UserNotFound(NotFound):
    """没有找到该用户。"""

    code = "user_not_found"
