-- Issue 25: what a user writes to the help desk passes WeChat's content check (msgSecCheck 2.0)
-- before any agent sees it. 'none': not checked (machine and agent texts); 'pending': the check's
-- job has not answered yet; 'pass': shown to agents; 'held': risky or for review, kept for the
-- author and the reviewers only.
ALTER TABLE chat_messages
    ADD COLUMN content_check text NOT NULL DEFAULT 'none'
        CHECK (content_check IN ('none', 'pending', 'pass', 'held')),
    ADD COLUMN content_check_result jsonb;

CREATE INDEX chat_messages_content_pending ON chat_messages (id) WHERE content_check = 'pending';
