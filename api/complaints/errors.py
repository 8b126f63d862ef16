"""What filing, answering and rating a complaint can refuse."""

from __future__ import annotations

from api.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, Unprocessable


class ComplaintNotFound(NotFound):
    """没有找到该投诉建议。"""

    code = "complaint_not_found"


class ComplaintTargetNotFound(Unprocessable):
    """投诉对象不存在，请重新选择。"""

    code = "complaint_target_not_found"


class AttachmentInvalid(Unprocessable):
    """附件无效：请上传本人尚未使用过的图片或PDF。"""

    code = "complaint_attachment_invalid"


class AttachmentMissing(BadRequest):
    """请选择要上传的文件（字段名 file）。"""

    code = "complaint_attachment_missing"


class AttachmentTypeRefused(Unprocessable):
    """仅支持JPG、PNG图片和PDF文件。"""

    code = "complaint_attachment_type"


class AttachmentTooLarge(PayloadTooLarge):
    """单个文件不能超过10MB。"""

    code = "complaint_attachment_too_large"


class ComplaintClosedForChange(Conflict):
    """该投诉建议已答复或已办结，不能再执行此操作。"""

    code = "complaint_not_open"


class ComplaintNotAnswered(Conflict):
    """该投诉建议尚未答复，不能办结。"""

    code = "complaint_not_answered"


class ComplaintAlreadyRated(Conflict):
    """答复尚未作出或已经评价过。"""

    code = "complaint_rating_refused"


class AssigneeInvalid(Unprocessable):
    """只能交给在岗的工作人员处理，且不能交给被投诉人本人。"""

    code = "complaint_assignee_invalid"
