"""Who may act on a step, and the approvals area's errors: small pieces every acting path shares
(tasks, decisions, exams, deliveries, the console), with no imports of the area's services.

Public: ``ACTING_ROLES``, ``may_act(user, step, role)``, ``OwnCase`` and the task errors;
``refuse_own_case`` itself (it asks the database) is in ``api.approvals.service.tasks``.
"""

from __future__ import annotations

from api.auth.schemas import AuthUser
from api.errors import Conflict, Forbidden, NotFound, Unprocessable

# Roles that may act on a step of each role (a lead is also an approver).
ACTING_ROLES = {"approver": ("approver", "lead"), "lead": ("lead",), "admin": ("admin",)}


def may_act(user: AuthUser, step: str, role: str) -> bool:
    """An approver acts on a step they hold (users.steps) with the role the step needs."""
    return step in user.steps and user.has(*ACTING_ROLES.get(role, (role,)))


def acting_roles(role: str) -> list[str]:
    """The staff roles that act on a step needing ``role``."""
    return list(ACTING_ROLES.get(role, (role,)))


class TaskNotFound(NotFound):
    """没有找到该待办。"""

    code = "task_not_found"


class TaskClaimed(Conflict):
    """该待办已由其他审批人员认领。"""

    code = "task_claimed"


class TaskClosed(Conflict):
    """该待办已处理完毕或已撤销。"""

    code = "task_closed"


class TaskWaitingExam(Conflict):
    """该待办正在等待考试结果，不能作出决定。"""

    code = "task_waiting_exam"


class StepNotYours(Forbidden):
    """您没有该审批环节的权限。"""

    code = "step_not_yours"


class MissingItemUnknown(Unprocessable):
    """需补正的材料不属于该办件，请填写名称。"""

    code = "missing_item_unknown"


class OwnCase(Forbidden):
    """这是您本人（或您的企业）申请的办件，不能由您认领、审批或寄送，请交由其他工作人员办理。"""

    code = "own_case"
