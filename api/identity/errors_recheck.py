"""Errors of the fresh face check that confirms account actions (api/identity/recheck.py)."""

from __future__ import annotations

from api.errors import BadRequest, Conflict


class FaceCheckNotPossible(Conflict):
    """账号尚未通过居民身份证实名认证，无法刷脸验证：请改用短信验证码，或携带身份证到办事窗口办理。"""

    code = "face_check_not_possible"


class FaceCheckNeeded(BadRequest):
    """请先完成刷脸验证（10分钟内有效），再继续操作。"""

    code = "face_check_needed"
