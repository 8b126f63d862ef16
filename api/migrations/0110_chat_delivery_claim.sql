-- Outgoing WeChat texts are claimed before sending ('sending'), so two jobs never send one twice;
-- a claim older than a few minutes belongs to a worker that died mid-send.
ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_delivery_check;
ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_delivery_check
    CHECK (delivery IN ('none', 'pending', 'sending', 'sent', 'failed'));
ALTER TABLE chat_messages ADD COLUMN sending_since timestamptz;
DROP INDEX chat_messages_pending;
CREATE INDEX chat_messages_pending ON chat_messages (id) WHERE delivery IN ('pending', 'sending');
