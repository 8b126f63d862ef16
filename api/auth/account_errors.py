"""What merging, re-binding and closing an account can refuse (F085-F087, F146)."""

from __future__ import annotations

from api.errors import BadRequest, Conflict


class AccountsDifferentPersons(Conflict):
    """该手机号已绑定另一个账号，且两个账号已分别实名认证为不同的人，无法合并。请使用本人手机号，或联系客服核实。"""

    code = "accounts_different_persons"


class AccountsBookingsClash(Conflict):
    """两个账号都预约了同一事项，请先取消其中一个预约后再绑定手机号。"""

    code = "accounts_bookings_clash"


class PhoneAlreadyBound(Conflict):
    """当前账号已绑定手机号。如需更换，请在“我的—账号与安全—更换手机号”中办理。"""

    code = "phone_already_bound"


class NoPhoneBound(Conflict):
    """当前账号尚未绑定手机号，请先绑定手机号。"""

    code = "no_phone_bound"


class PhoneUnchanged(BadRequest):
    """新手机号与当前绑定的手机号相同。"""

    code = "phone_unchanged"


class ProofRequired(BadRequest):
    """请验证身份：填写原手机号收到的短信验证码，或原号码已停用时先完成刷脸验证。"""

    code = "account_proof_required"


class CasesStillOpen(Conflict):
    """账号下还有正在办理的事项，办结或撤回后才能注销账号。"""

    code = "account_cases_open"


class BookingsStillOpen(Conflict):
    """账号下还有未完成的预约，取消或完成后才能注销账号。"""

    code = "account_bookings_open"


class StaffAccountNotClosable(Conflict):
    """工作人员账号不能自行注销，请联系管理员停用。"""

    code = "staff_account_not_closable"
