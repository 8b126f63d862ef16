"""What window verification and document review can refuse."""

from __future__ import annotations

from api.errors import BadRequest, Conflict, Forbidden, NotFound


class OwnIdentity(Forbidden):
    """工作人员不能为本人账号办理实名核验，请由其他工作人员办理。"""

    code = "own_identity"


class AccountNotFound(NotFound):
    """没有找到该账号，请本人先在小程序登录并绑定手机号后再办理。"""

    code = "account_not_found"


class InvalidDocumentNumber(BadRequest):
    """证件号码格式不正确，请核对证件类型和号码后重新填写。"""

    code = "invalid_document_number"


class DocumentPhotoMissing(BadRequest):
    """请上传证件照片（multipart/form-data，文件字段名为 file）。"""

    code = "document_photo_missing"


class DocumentPhotoRefused(BadRequest):
    """证件照片只接受JPG或PNG图片，请拍照后重新上传。"""

    code = "document_photo_type"


class DocumentPhotoTooLarge(BadRequest):
    """证件照片不能超过10MB，请压缩后重新上传。"""

    code = "document_photo_too_large"


class DocumentPending(Conflict):
    """您已提交的证件正在等待工作人员核验（1个工作日内），请等待结果后再提交。"""

    code = "document_pending"


class DocumentNotFound(NotFound):
    """没有找到该证件核验申请。"""

    code = "identity_document_not_found"


class DocumentReviewed(Conflict):
    """该证件已核验完毕，不能重复处理。"""

    code = "identity_document_reviewed"
