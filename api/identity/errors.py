"""What real-name verification can refuse."""

from __future__ import annotations

from api.errors import BadRequest, Conflict, Gone, NotFound, TooManyRequests


class IdentityTaken(Conflict):
    """该证件已在另一个账号完成实名认证，一个人只能实名认证一个账号。如需更换账号，请先在原账号注销或联系工作人员。"""

    code = "identity_taken"


class IdentityAlreadyVerified(Conflict):
    """本账号已完成实名认证，无需再次认证，也不能改为认证他人。"""

    code = "identity_already_verified"


class InvalidResidentId(BadRequest):
    """身份证号不正确，请核对校验位、出生日期和地区码后重新填写。"""

    code = "invalid_resident_id"


class InvalidPersonName(BadRequest):
    """姓名须为2至30个汉字（少数民族姓名可含“·”），请与身份证上的姓名一致。"""

    code = "invalid_person_name"


class FaceNeedsWechat(Conflict):
    """人脸核身需在微信小程序中进行，请使用微信登录后再试。"""

    code = "face_needs_wechat"


class FaceTriesUsedUp(TooManyRequests):
    """今天的人脸核身次数（每天最多5次）已用完，请明天再试，或携带身份证到办事窗口认证。"""

    code = "face_tries_used_up"


class VerificationNotFound(NotFound):
    """没有找到该次人脸核身。"""

    code = "verification_not_found"


class VerificationExpired(Gone):
    """本次人脸核身已超过1小时有效期，请重新发起人脸核身。"""

    code = "verification_expired"


class VerificationInProgress(Conflict):
    """该次人脸核身正在发起中，请稍候再试（使用同一个 Idempotency-Key 重试即可）。"""

    code = "verification_in_progress"


class VerificationFinished(Conflict):
    """本次人脸核身已有结果，如需再次认证请重新发起。"""

    code = "verification_finished"


class FaceNotVerified(BadRequest):
    """人脸核身未通过。"""

    code = "face_not_verified"
    keep_changes = True  # the failed try is recorded and counts toward the day's five


class FaceCheckFailed(BadRequest):
    """人脸核身结果查询失败，请重新发起人脸核身。"""

    code = "face_check_failed"
    keep_changes = True
