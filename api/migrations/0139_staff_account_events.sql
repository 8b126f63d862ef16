-- Every change an admin makes to a staff account from the console (issue 26): who did what to whom,
-- when, and the account's roles and steps after it. Kept forever; nothing updates or deletes rows.
CREATE TABLE staff_account_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    actor_id    bigint NOT NULL REFERENCES users(id),
    action      text NOT NULL CHECK (action IN ('created', 'roles_changed', 'disabled', 'enabled')),
    roles       text[] NOT NULL,
    steps       text[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_account_events_user ON staff_account_events (user_id, id);
