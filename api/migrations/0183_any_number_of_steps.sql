-- A service has any number of approval steps (issue 18), each a code the catalogue names with its
-- Chinese name and role: the step codes are no longer the fixed accept / review / decide. The case
-- status does not follow the step's position either (approvals opens the step after the last one
-- approved), so a step is only checked to be a code.
ALTER TABLE service_steps DROP CONSTRAINT service_steps_step_check,
    ADD CONSTRAINT service_steps_step_check CHECK (step ~ '^[a-z][a-z0-9_]{1,31}$');
ALTER TABLE approval_tasks DROP CONSTRAINT approval_tasks_step_check,
    ADD CONSTRAINT approval_tasks_step_check CHECK (step ~ '^[a-z][a-z0-9_]{1,31}$');
