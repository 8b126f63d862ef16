-- F141 callbacks past their due date are escalated once: the agent holding it and the leads are told.
ALTER TABLE helpdesk_callbacks ADD COLUMN escalated_at timestamptz;
