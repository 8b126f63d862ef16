-- Outgoing WeChat customer-service texts are retried like outbox rows: a send that timed out or
-- met WeChat down goes back to 'pending' with the attempt counted and the time of the next try;
-- a sweeper queues what is due but lost its job, and gives up after the outbox's 10 attempts.
ALTER TABLE chat_messages ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE chat_messages ADD COLUMN retry_at timestamptz;
