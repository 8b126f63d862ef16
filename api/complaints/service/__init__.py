"""投诉建议: filing, the admin queue, answers within 5 working days and their ratings (handling), and the
deadline reminders and escalations the jobs run (deadlines). Other areas import the names below."""

from __future__ import annotations

from api.complaints.service.handling import (
    ANSWER_WORKDAYS, MAX_FILE_BYTES, MAGIC, file_complaint, upload_attachment, mine, view_own, rate,
    attachment_file, admin_list, admin_view, assign, answer, close,
)
from api.complaints.service.deadlines import remind_due, escalate_overdue
