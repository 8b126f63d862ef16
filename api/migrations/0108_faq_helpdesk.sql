-- The FAQ knowledge base, its feedback and hand-offs; help-desk conversations and messages;
-- the raw WeChat customer-service pushes (deduplicated by MsgId).

CREATE TABLE faq_entries (
    id           text PRIMARY KEY CHECK (id ~ '^[A-Z][A-Z0-9-]{1,31}$'),
    question     text NOT NULL CHECK (length(question) BETWEEN 2 AND 200),
    alternates   text[] NOT NULL DEFAULT '{}',
    answer       text NOT NULL CHECK (length(answer) BETWEEN 2 AND 4000),
    tags         text[] NOT NULL DEFAULT '{}',
    service_code text,
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    source       text NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'admin', 'helpdesk')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Ids for entries created by editors and agents: F1001, F1002 ...
CREATE SEQUENCE faq_entry_no START 1001;

-- One row: bumped by every change of faq_entries, polled by every API process to rebuild its index.
CREATE TABLE faq_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO faq_version DEFAULT VALUES;

CREATE FUNCTION faq_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE faq_version SET version = version + 1, changed_at = now();
    RETURN NULL;
END $$;
CREATE TRIGGER faq_entries_changed AFTER INSERT OR UPDATE OR DELETE ON faq_entries
    FOR EACH STATEMENT EXECUTE FUNCTION faq_bump_version();

-- One vote per person and entry; a changed mind updates the vote.
CREATE TABLE faq_feedback (
    entry_id   text NOT NULL REFERENCES faq_entries(id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    helpful    boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, user_id)
);

-- Questions the machine could not answer, kept for the knowledge base's editors.
CREATE TABLE faq_handoffs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question        text NOT NULL,
    suggestions     jsonb NOT NULL DEFAULT '[]',
    source          text NOT NULL CHECK (source IN ('ask', 'chat', 'wechat')),
    conversation_id bigint,
    reviewed_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX faq_handoffs_open ON faq_handoffs (created_at DESC) WHERE reviewed_at IS NULL;

-- A consultation: one person's questions until an agent (or the machine) is done with them.
--   bot      answered by the machine, nobody needs to look
--   waiting  needs a person (the FAQ was not sure)
--   claimed  an agent has taken it
--   resolved done; a new question opens a new conversation
CREATE TABLE conversations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id            bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel            text NOT NULL CHECK (channel IN ('wechat', 'app')),
    status             text NOT NULL CHECK (status IN ('bot', 'waiting', 'claimed', 'resolved')),
    agent_id           bigint REFERENCES users(id),
    suggestions        jsonb NOT NULL DEFAULT '[]',
    -- WeChat lets us send 5 customer-service messages within 48 hours of the user's last message.
    last_user_message_at timestamptz NOT NULL DEFAULT now(),
    replies_since_user integer NOT NULL DEFAULT 0 CHECK (replies_since_user BETWEEN 0 AND 5),
    faq_entry_id       text REFERENCES faq_entries(id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    resolved_at        timestamptz,
    CHECK ((status = 'claimed') = (agent_id IS NOT NULL) OR status = 'resolved'),
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
-- At most one open conversation per person: concurrent first messages meet here.
CREATE UNIQUE INDEX conversations_one_open ON conversations (user_id) WHERE status <> 'resolved';
CREATE INDEX conversations_queue ON conversations (status, updated_at DESC);
CREATE INDEX conversations_agent ON conversations (agent_id, status);

CREATE TABLE chat_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender          text NOT NULL CHECK (sender IN ('user', 'bot', 'agent')),
    agent_id        bigint REFERENCES users(id),
    text            text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    faq_entry_id    text REFERENCES faq_entries(id),
    -- outgoing WeChat customer-service messages: pending until the worker has sent them
    delivery        text NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'pending', 'sent', 'failed')),
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((sender = 'agent') = (agent_id IS NOT NULL))
);
CREATE INDEX chat_messages_conversation ON chat_messages (conversation_id, id);
CREATE INDEX chat_messages_pending ON chat_messages (id) WHERE delivery = 'pending';

-- Raw pushes as WeChat sent them. MsgId for messages; events have none, so their key is
-- FromUserName + CreateTime + Event (what WeChat's own docs suggest for deduplicating events).
CREATE TABLE wechat_pushes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key   text NOT NULL UNIQUE,
    openid       text NOT NULL,
    msg_type     text NOT NULL,
    event        text,
    payload      jsonb NOT NULL,
    processed_at timestamptz,
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wechat_pushes_unprocessed ON wechat_pushes (id) WHERE processed_at IS NULL;
