"""The errors of 代办 (F093)."""

from __future__ import annotations

from api.errors import Conflict, NotFound, Unprocessable


class AgencyUnconfirmed(Conflict):
    """代办的申请需申请人本人确认：申请人收到短信后在掌上办确认授权，方可提交。"""

    code = "agency_unconfirmed"


class AgencyEnded(Conflict):
    """申请人已拒绝或撤回了这次代办授权，该申请不能再由代办提交。"""

    code = "agency_ended"


class AgencyNotFound(NotFound):
    """没有找到这条代办记录。"""

    code = "agency_not_found"


class PrincipalNotFound(Unprocessable):
    """没有找到与所填姓名、身份证号、手机号一致的实名用户：请申请人先在掌上办完成实名认证，并核对所填信息。"""

    code = "principal_not_found"


class AgencyForSelf(Unprocessable):
    """为本人办理请直接申请，不需要代办。"""

    code = "agency_for_self"


class AgencyAsPerson(Conflict):
    """代办须以个人身份办理：请先切换回个人身份。"""

    code = "agency_as_person"


class AgencyStepDone(Conflict):
    """这次代办已不在这一步：请刷新后查看当前状态。"""

    code = "agency_step_done"


class LetterMissing(Unprocessable):
    """请上传申请人签字的授权委托书（字段名 file）。"""

    code = "authorisation_letter_missing"


class LetterRefused(Unprocessable):
    """授权委托书须为完整的 PDF、JPG 或 PNG 文件，且不超过10MB。"""

    code = "authorisation_letter_refused"


class AgencyCodeWrong(Unprocessable):
    """确认码不正确，请核对短信后重新输入。"""

    code = "agency_code_wrong"
    keep_changes = True  # a wrong code still counts as a try


class AgencyCodeLocked(Conflict):
    """确认码输错次数过多：请联系代办人重新上传授权委托书以获取新的确认码。"""

    code = "agency_code_locked"
