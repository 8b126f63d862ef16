-- Delivery state for the outbox: claims by workers, provider outcomes, final states that stick.
-- 'pending' = a worker has claimed the row and may be talking to the provider right now;
-- 'sending' = the provider accepted it (SMS) and a delivery receipt is awaited.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('created', 'queued', 'pending', 'sending', 'sent', 'delivered', 'failed',
                      'temporary_failure', 'cancelled'));

-- Login codes go to a phone that may not belong to any account yet.
ALTER TABLE notifications ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE notifications
    ADD COLUMN phone        text CHECK (phone IS NULL OR phone ~ '^1[3-9][0-9]{9}$'),
    ADD COLUMN template_id  text,          -- the WeChat subscribe template whose authorisation this row used
    ADD COLUMN urgent       boolean NOT NULL DEFAULT false,   -- urgent SMS ignore quiet hours
    ADD COLUMN expires_at   timestamptz,   -- not sent after this (a login code is useless after 5 minutes)
    ADD COLUMN claimed_at   timestamptz,
    -- a previous attempt may have reached the provider (timeout, killed worker): look before resending
    ADD COLUMN uncertain    boolean NOT NULL DEFAULT false,
    ADD COLUMN content      text,          -- what was sent, rendered at send time
    ADD COLUMN provider_status text,
    ADD COLUMN done_at      timestamptz,
    ADD CONSTRAINT notifications_recipient CHECK (user_id IS NOT NULL OR phone IS NOT NULL),
    ADD CONSTRAINT notifications_claimed CHECK (status <> 'pending' OR claimed_at IS NOT NULL);

CREATE INDEX notifications_stale_claims ON notifications (claimed_at) WHERE status = 'pending';
CREATE INDEX notifications_awaiting_receipt ON notifications (sent_at) WHERE status = 'sending';
CREATE INDEX notifications_recent ON notifications (created_at DESC) WHERE channel <> 'inapp';

-- Final statuses never go back: a late or repeated receipt cannot undo delivered/failed.
CREATE FUNCTION notifications_final_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('sent', 'delivered', 'failed', 'temporary_failure', 'cancelled')
       AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'notification % is final (%), cannot become %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER notifications_final_status BEFORE UPDATE OF status ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_final_status();

-- WeChat subscribe authorisations: each "允许" in the mini-program allows one message.
CREATE TABLE wechat_subscriptions (
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    template_id  text NOT NULL CHECK (length(template_id) BETWEEN 1 AND 128),
    remaining    integer NOT NULL DEFAULT 0 CHECK (remaining >= 0),
    accepted_total integer NOT NULL DEFAULT 0,
    rejected_at  timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, template_id)
);
