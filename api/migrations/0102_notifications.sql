-- The outbox: a notification is a row before it is a message (one row per channel).
CREATE TABLE notifications (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event         text NOT NULL,
    channel       text NOT NULL CHECK (channel IN ('inapp', 'sms', 'wechat')),
    params        jsonb NOT NULL DEFAULT '{}',
    dedupe_key    text NOT NULL,
    -- what the message is about; a message whose subject is no longer in the due state is not sent
    subject_type  text,
    subject_id    bigint,
    status        text NOT NULL DEFAULT 'created'
                  CHECK (status IN ('created', 'queued', 'sending', 'sent', 'delivered', 'failed',
                                    'temporary_failure', 'cancelled')),
    not_before    timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 0,
    provider_ref  text,
    error         text,
    read_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    UNIQUE (dedupe_key, channel)
);
CREATE INDEX notifications_user_inbox ON notifications (user_id, created_at DESC) WHERE channel = 'inapp';
CREATE INDEX notifications_due ON notifications (not_before) WHERE status IN ('created', 'queued');
CREATE INDEX notifications_subject ON notifications (subject_type, subject_id);
