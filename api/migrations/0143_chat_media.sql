-- Issue 25: an image or voice a user sends the help desk through WeChat is fetched from WeChat's
-- media API by a job and stored like an upload; agents get the file, not "[图片]".
ALTER TABLE chat_messages
    ADD COLUMN media_kind text CHECK (media_kind IN ('image', 'voice')),
    ADD COLUMN media_id text CHECK (length(media_id) <= 128),
    ADD COLUMN media_status text CHECK (media_status IN ('pending', 'stored', 'failed')),
    ADD COLUMN media_key text,
    ADD COLUMN media_content_type text,
    ADD CONSTRAINT chat_messages_media_whole CHECK ((media_kind IS NULL) = (media_status IS NULL));

CREATE INDEX chat_messages_media_pending ON chat_messages (id) WHERE media_status = 'pending';
