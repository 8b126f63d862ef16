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


# F020: ending a taxi driver's registration


class TaxiRegistrationLive(Conflict):
    """该驾驶员目前注册在其他出租汽车公司（或已有正在办理的注册）：须由原公司在掌上办注销注册后，新公司才能为其重新注册；原公司超过5个工作日未办理的，驾驶员可在“帮办代办”中申请注销。"""

    code = "taxi_registration_live"


class TaxiNotRegistered(Conflict):
    """没有找到生效中的从业资格注册：注册尚未办结，或已经注销。"""

    code = "taxi_not_registered"


class ContractEndLater(Unprocessable):
    """合同解除日期不能晚于今天：请在合同解除后再办理注销。"""

    code = "contract_end_in_future"


class DeregistrationTooEarly(Conflict):
    """合同解除未满5个工作日：请先由原公司在掌上办办理注销；原公司超过5个工作日未办理的，您再申请由我局直接注销。"""

    code = "taxi_deregistration_too_early"


class DeregistrationRequested(Conflict):
    """您已提交过注销申请，正在核实中，请等待结果。"""

    code = "taxi_deregistration_pending"


class DeregistrationRequestNotFound(NotFound):
    """没有找到该注销申请。"""

    code = "taxi_deregistration_request_not_found"


class DeregistrationRequestDone(Conflict):
    """该注销申请已处理完毕。"""

    code = "taxi_deregistration_request_done"


class TerminationProofMissing(Unprocessable):
    """请上传解除合同的证明（字段名 file），并填写合同解除日期（字段名 contractEndedOn，格式 2026-06-01）。"""

    code = "termination_proof_missing"


class TerminationProofRefused(Unprocessable):
    """解除合同的证明须为完整的 PDF、JPG 或 PNG 文件，且不超过10MB。"""

    code = "termination_proof_refused"
