-- Issue 25: an agent's reply sent by SMS after WeChat's 48-hour window closed stays in the
-- consultation record, marked as sent by SMS; the per-conversation limit counts these rows.
ALTER TABLE chat_messages ADD COLUMN via text CHECK (via IN ('sms'));

CREATE INDEX chat_messages_sms_replies ON chat_messages (conversation_id, created_at) WHERE via = 'sms';
