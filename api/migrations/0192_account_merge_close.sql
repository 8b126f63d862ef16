-- Accounts (issue 19, FAQ F085-F087, F146): one phone, one account; changing the phone; closing.
--
-- users.merged_into: a WeChat account that bound the phone of an SMS account was merged into it
-- (api/auth/service/merge.py): its records moved to the survivor, and the row stays as a disabled,
-- emptied tombstone because append-only audit rows (application_events, approval_decisions,
-- case_views, ...) still name it as the actor of what it did.
-- users.closed_at: the person closed the account (F146): personal data erased, the row kept as a
-- pseudonymous holder of the case records the law keeps (cases, licences, the audit chain).
ALTER TABLE users ADD COLUMN merged_into bigint REFERENCES users(id);
ALTER TABLE users ADD COLUMN closed_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_merged_is_closed CHECK (merged_into IS NULL OR closed_at IS NOT NULL);
ALTER TABLE users ADD CONSTRAINT users_closed_is_empty
    CHECK (closed_at IS NULL OR (phone IS NULL AND openid IS NULL AND unionid IS NULL AND disabled));

-- What happened to an account, for support and audit: merges, phone changes, closings. Phones are
-- kept masked only; a face check that confirmed an action is used once (face_attempt_id UNIQUE).
CREATE TABLE account_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id),
    kind            text NOT NULL CHECK (kind IN ('merged', 'phone_changed', 'closed')),
    other_user_id   bigint REFERENCES users(id),   -- merged: the absorbed account
    detail          jsonb NOT NULL DEFAULT '{}'::jsonb,
    face_attempt_id bigint UNIQUE REFERENCES identity_face_attempts(id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_events_user ON account_events (user_id, created_at);
