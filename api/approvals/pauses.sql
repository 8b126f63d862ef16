-- The approver's pauses of a case's clock from its task (service/pauses.py).

-- name: task_due(id)^
SELECT id, due_on, status FROM approval_tasks WHERE id = :id;

-- name: move_task_due(application_id, due_on)!
-- The clock ran again after a pause: the case's active task is due that many working days later,
-- and its one-day reminder may come again.
UPDATE approval_tasks SET due_on = :due_on, reminded_at = NULL
WHERE application_id = :application_id AND status IN ('open', 'claimed') AND due_on IS NOT NULL;
