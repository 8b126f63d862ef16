-- Issue 17 item 8: what help-desk agents propose waits for an admin. An agent's new entry is a
-- 'draft' (the bot answers from 'active' entries only); a similar question an agent attaches to an
-- existing entry waits in proposed_alternates until an admin publishes it into alternates.
ALTER TABLE faq_entries DROP CONSTRAINT faq_entries_status_check;
ALTER TABLE faq_entries ADD CONSTRAINT faq_entries_status_check
    CHECK (status IN ('draft', 'active', 'retired'));
ALTER TABLE faq_entries ADD COLUMN proposed_alternates text[] NOT NULL DEFAULT '{}';
