"""The appointment domain's errors: stable English codes, Chinese messages people read."""

from __future__ import annotations

from api.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unavailable, Unprocessable


class SlotNotFound(NotFound):
    """没有找到该预约时段。"""

    code = "slot_not_found"


class AppointmentNotFound(NotFound):
    """没有找到该预约。"""

    code = "appointment_not_found"


class SlotFull(Conflict):
    """该时段已约满，请选择其他时段或登记候补。"""

    code = "slot_full"


class SlotNotReleased(Conflict):
    """该场次尚未开放预约，请在公布的开放时间后再试。"""

    code = "slot_not_released"


class BookingClosed(Conflict):
    """该时段不在可预约范围内（可预约未来7个工作日内、尚未截止的时段）。"""

    code = "booking_closed"


class WrongService(Conflict):
    """该时段不属于所选事项。"""

    code = "wrong_service"


class AlreadyBooked(Conflict):
    """同一事项同一时间只能有一个有效预约，如需换时间请使用“改约”。"""

    code = "already_booked"


class BookingSuspended(Forbidden):
    """您90天内累计爽约3次，30天内不能在线预约，仍可到现场取号办理。"""

    code = "booking_suspended"


class DailyLimitReached(TooManyRequests):
    """今天的预约次数已达上限，请明天再试。"""

    code = "daily_limit_reached"


class ChangeDeadlinePassed(Conflict):
    """已超过可取消或改约的时间。"""

    code = "change_deadline_passed"


class RescheduleLimitReached(Conflict):
    """该预约的改约次数已用完。"""

    code = "reschedule_limit_reached"


class AppointmentNotActive(Conflict):
    """该预约已取消、已签到或已作废。"""

    code = "appointment_not_active"


class SameSlot(Conflict):
    """新时段与原预约时段相同。"""

    code = "same_slot"


class CheckInTooEarly(Conflict):
    """时段开始前30分钟起才可以签到。"""

    code = "check_in_too_early"


class CheckInTooLate(Conflict):
    """已超过签到时间（时段开始后15分钟），该预约作废并记为爽约，请现场取号或重新预约。"""

    code = "check_in_too_late"


class NotExamSlot(Conflict):
    """该时段不是考试场次。"""

    code = "not_exam_slot"


class BookingBusy(Unavailable):
    """预约人数较多，请稍后重试。"""

    code = "booking_busy"


# The case a booking counts against (reform figures: a visit is a trip of that case).

class CaseNotOwn(Unprocessable):
    """所选办件不存在或不是预约人本人的办件，不能关联此预约。"""

    code = "application_not_own"


class CaseWrongService(Unprocessable):
    """所选办件的事项与预约时段的事项不一致，不能关联此预约。"""

    code = "application_wrong_service"


class CaseNotOpen(Conflict):
    """所选办件未在办理中（尚未提交，或已办结、撤回、终止），不能关联此预约。"""

    code = "application_not_open"


class CaseNotInvited(Conflict):
    """该事项的考试预约邀请关联的是您的另一件办件，请按邀请关联的办件预约。"""

    code = "application_not_invited"
