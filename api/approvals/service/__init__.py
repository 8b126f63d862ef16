"""The approver's work on a case: the task queue and claims (tasks, decisions), who may read a case and
the record of who did (access, audit), the task page (detail), the final approval's licences
(outcome) and the deadline reminders (deadlines). Other areas import the names below."""

from __future__ import annotations

from api.approvals.service.tasks import (
    task_row, task, check_step, refuse_own_case, acting_task, finish_exam_task, cancel_exam_task, sign,
    active_task_id, steps_of, current_step, task_out,
)
from api.approvals.service.access import (
    READ_ALL_ROLES, may_read_case, shows_id_number, read_case, access_log, views_for_audit,
)
from api.approvals.service.audit import verify_audit
from api.approvals.service.outcome import approve_final
from api.approvals.service.decisions import sync_tasks, list_tasks, claim, release, decide, decide_batch
from api.approvals.service.detail import get_task, material_stream
from api.approvals.service.deadlines import run_deadlines
