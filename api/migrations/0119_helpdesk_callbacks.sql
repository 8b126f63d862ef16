-- FAQ F141: "涉及具体办件的重要咨询，导航员会在问题处理后电话回访，确认是否已经解决。"
-- A conversation may be linked to one of its user's applications and marked important; resolving
-- such a conversation creates a callback (电话回访) due within a few working days. Every call, and
-- every showing of the full phone number, is kept in helpdesk_callback_log (who, what, when).
-- FAQ F098 through the help desk: extensions an agent granted on the user's behalf.

ALTER TABLE conversations ADD COLUMN application_id bigint REFERENCES applications(id);
ALTER TABLE conversations ADD COLUMN important boolean NOT NULL DEFAULT false;
ALTER TABLE conversations ADD COLUMN linked_by bigint REFERENCES users(id);
CREATE INDEX conversations_application ON conversations (application_id) WHERE application_id IS NOT NULL;
-- The user's own history, newest first (我的—咨询记录).
CREATE INDEX conversations_user ON conversations (user_id, id DESC);

--   open         to be called (again)
--   solved       reached, the problem is solved
--   not_solved   reached, not solved: the conversation was reopened (by the caller or handed over)
--   unreachable  not reached in MAX tries
CREATE TABLE helpdesk_callbacks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    application_id  bigint NOT NULL REFERENCES applications(id),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'solved', 'not_solved', 'unreachable')),
    due_on          date NOT NULL,
    agent_id        bigint REFERENCES users(id),  -- who holds it: the only one who sees the full phone
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 3),
    last_attempt_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz,
    CHECK ((status = 'open') = (closed_at IS NULL))
);
-- One callback waiting per conversation: a resolve retried or raced creates no second one; a
-- conversation reopened after an unsolved call gets a new callback when it is resolved again.
CREATE UNIQUE INDEX helpdesk_callbacks_one_open ON helpdesk_callbacks (conversation_id) WHERE status = 'open';
CREATE INDEX helpdesk_callbacks_due ON helpdesk_callbacks (due_on, id) WHERE status = 'open';

-- The audit: who took, looked up, called, handed over, and when.
CREATE TABLE helpdesk_callback_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    callback_id bigint NOT NULL REFERENCES helpdesk_callbacks(id) ON DELETE CASCADE,
    agent_id    bigint NOT NULL REFERENCES users(id),
    kind        text NOT NULL CHECK (kind IN ('claimed', 'phone_shown', 'called')),
    outcome     text CHECK (outcome IN ('solved', 'not_solved', 'not_reached')),
    follow_up   text CHECK (follow_up IN ('reopen', 'handover')),
    handed_to   bigint REFERENCES users(id),
    note        text CHECK (length(note) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'called') = (outcome IS NOT NULL))
);
CREATE INDEX helpdesk_callback_log_callback ON helpdesk_callback_log (callback_id, id);

-- F098 asked through an agent: the extension itself is supplement_extensions' one row per gap
-- notice (the rule lives there); this row says which agent asked for it, from which conversation.
CREATE TABLE helpdesk_extension_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    extension_id    bigint NOT NULL UNIQUE REFERENCES supplement_extensions(id),
    conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id        bigint NOT NULL REFERENCES users(id),
    reason          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
