"""What enterprise registration, grants and switching can refuse."""

from __future__ import annotations

from api.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable


class InvalidCreditCode(BadRequest):
    """统一社会信用代码不正确，请核对营业执照上的18位代码后重新填写。"""

    code = "invalid_credit_code"


class NotAnEnterprise(Unprocessable):
    """统一社会信用代码显示该主体不是企业或个体工商户（企业以91开头，个体工商户以92开头），不能在此认证。"""

    code = "not_an_enterprise"


class KindMismatch(Unprocessable):
    """主体类型与统一社会信用代码不符：91开头为企业，92开头为个体工商户。"""

    code = "enterprise_kind_mismatch"


class LegalRepMismatch(Unprocessable):
    """法定代表人（经营者）的姓名和身份证号须与您本人的实名认证信息一致，只有法定代表人本人可以认证企业。"""

    code = "legal_rep_mismatch"


class CreditCodeTaken(Conflict):
    """该企业已在掌上办认证（或正在审核），一个统一社会信用代码只能认证一次。如需变更法定代表人请联系工作人员。"""

    code = "enterprise_already_registered"


class RegistryNotFound(Unprocessable):
    """市场监管登记信息中没有查到该统一社会信用代码，或该企业已注销、吊销，请核对后重试。"""

    code = "enterprise_not_registered"


class RegistryMismatch(Unprocessable):
    """填写的企业名称、类型或法定代表人与市场监管登记信息不一致，请按营业执照填写。"""

    code = "enterprise_registry_mismatch"


class EnterpriseNotFound(NotFound):
    """没有找到该企业，或您不是该企业的法定代表人或经办人。"""

    code = "enterprise_not_found"


class PhotoNotExpected(Conflict):
    """该企业当前不需要上传营业执照照片。"""

    code = "licence_photo_not_expected"


class PhotoMissing(BadRequest):
    """请上传营业执照照片（multipart 字段名 file，JPG或PNG）。"""

    code = "licence_photo_missing"


class PhotoRefused(Unprocessable):
    """营业执照照片须为JPG或PNG图片，不超过10MB。"""

    code = "licence_photo_refused"


class EnterpriseReviewed(Conflict):
    """该企业认证已审核，不能重复审核。"""

    code = "enterprise_reviewed"


class OwnEnterpriseReview(Forbidden):
    """工作人员不能审核本人作为法定代表人的企业。"""

    code = "own_enterprise_review"


class AgentNotFound(NotFound):
    """没有找到该手机号的账号，或该经办人不存在。请对方先用该手机号登录掌上办。"""

    code = "agent_not_found"


class AgentNotVerified(Conflict):
    """该经办人尚未完成实名认证，请对方先在掌上办完成实名认证后再添加。"""

    code = "agent_not_verified"


class AgentIsLegalRep(Conflict):
    """法定代表人本人无需添加为经办人。"""

    code = "agent_is_legal_rep"


class UnknownServices(Unprocessable):
    """授权的事项不存在，请从办事指南的事项中选择。"""

    code = "unknown_services"


class ServiceNotGranted(Forbidden):
    """您未获得该企业办理此事项的授权，请联系企业法定代表人授权，或切换回个人身份。"""

    code = "service_not_granted"


class StaffCannotSwitch(Forbidden):
    """工作人员会话不能切换办事主体，请用微信或短信登录后再切换。"""

    code = "staff_cannot_switch"
