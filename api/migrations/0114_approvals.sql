-- Approvals: the tasks approvers work on, their decisions, the audit chain over every
-- application's timeline, deliveries of paper licences and the exams of qualification services.

-- One task per step an application goes through (受理 accept -> 审核 review -> 决定 decide). A task
-- acts on the application while it is in ``stage``; at most one task per application is active.
CREATE TABLE approval_tasks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    service_code    text NOT NULL REFERENCES services(code),
    position        integer NOT NULL CHECK (position > 0),
    step            text NOT NULL CHECK (step IN ('accept', 'review', 'decide')),
    role            text NOT NULL CHECK (role IN ('approver', 'lead', 'admin')),
    stage           text NOT NULL CHECK (stage IN ('submitted', 'accepted', 'in_review')),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'claimed', 'waiting_exam', 'done', 'cancelled')),
    assignee_id     bigint REFERENCES users(id),
    claimed_at      timestamptz,
    -- a claimed task has its one approver; an open one has none
    CHECK (status <> 'claimed' OR (assignee_id IS NOT NULL AND claimed_at IS NOT NULL)),
    CHECK (status <> 'open' OR assignee_id IS NULL),
    due_on          date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz,
    CHECK ((status IN ('done', 'cancelled')) = (closed_at IS NOT NULL)),
    decision        text CHECK (decision IN ('approve', 'reject', 'return')),
    CHECK ((status = 'done') = (decision IS NOT NULL)),
    -- deadline messages: each is sent once
    reminded_at     timestamptz,
    escalated_at    timestamptz
);
CREATE UNIQUE INDEX approval_tasks_one_active ON approval_tasks (application_id)
    WHERE status IN ('open', 'claimed', 'waiting_exam');
CREATE INDEX approval_tasks_queue ON approval_tasks (step, id) WHERE status IN ('open', 'claimed', 'waiting_exam');
CREATE INDEX approval_tasks_due ON approval_tasks (due_on) WHERE status IN ('open', 'claimed');

-- The sign-off: who decided what, when, and the head of the application's audit chain right
-- after the decision (so cutting the timeline after a decision is detectable too).
CREATE TABLE approval_decisions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id         bigint NOT NULL UNIQUE REFERENCES approval_tasks(id),
    application_id  bigint NOT NULL REFERENCES applications(id),
    step            text NOT NULL,
    decision        text NOT NULL CHECK (decision IN ('approve', 'reject', 'return')),
    reason          text,
    CHECK (decision <> 'reject' OR length(btrim(coalesce(reason, ''))) > 0),
    missing         jsonb NOT NULL DEFAULT '[]',
    CHECK (decision <> 'return' OR jsonb_array_length(missing) > 0),
    approver_id     bigint NOT NULL REFERENCES users(id),
    decided_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    batch_id        uuid,
    chain_seq       integer NOT NULL,
    chain_hash      text NOT NULL CHECK (chain_hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX approval_decisions_application ON approval_decisions (application_id, id);

-- The audit chain over application_events: row n's hash = sha256(hash of row n-1 + the
-- canonical content of event n). Written by a trigger, so every event is chained whoever
-- writes it; `zsb verify-audit` recomputes it.
CREATE TABLE audit_chain (
    event_id        bigint PRIMARY KEY,  -- no foreign key: a deleted event must leave its link behind
    application_id  bigint NOT NULL,
    seq             integer NOT NULL CHECK (seq > 0),
    prev_hash       text NOT NULL,
    hash            text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    UNIQUE (application_id, seq)
);

-- What is hashed for one event: every column, in a fixed order, timestamps as microseconds
-- since the epoch (independent of the session's time zone), data as canonical jsonb text.
CREATE FUNCTION audit_event_content(e application_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_array(e.id, e.application_id, e.kind, e.actor_id, e.from_status, e.to_status, e.note,
                             e.data, (extract(epoch FROM e.created_at) * 1000000)::bigint)::text
$$;

CREATE FUNCTION audit_hash(prev text, content text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev || content, 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq integer;
    last_hash text;
BEGIN
    -- Serialise the appenders of one application: the next statement then sees the newest link
    -- (READ COMMITTED takes a fresh snapshot per statement).
    PERFORM pg_advisory_xact_lock(20, (NEW.application_id % 2147483647)::integer);
    SELECT seq, hash INTO last_seq, last_hash FROM audit_chain
    WHERE application_id = NEW.application_id ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    last_hash := coalesce(last_hash, repeat('0', 64));
    INSERT INTO audit_chain (event_id, application_id, seq, prev_hash, hash)
    VALUES (NEW.id, NEW.application_id, last_seq + 1, last_hash, audit_hash(last_hash, audit_event_content(NEW)));
    RETURN NULL;
END $$;
CREATE TRIGGER audit_chain_append AFTER INSERT ON application_events
    FOR EACH ROW EXECUTE FUNCTION audit_chain_append();

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER approval_decisions_append_only BEFORE UPDATE OR DELETE ON approval_decisions
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Events written before this migration join the chain in their order.
DO $$
DECLARE
    e application_events;
    last_seq integer;
    last_hash text;
BEGIN
    FOR e IN SELECT * FROM application_events ORDER BY application_id, id LOOP
        SELECT seq, hash INTO last_seq, last_hash FROM audit_chain
        WHERE application_id = e.application_id ORDER BY seq DESC LIMIT 1;
        last_seq := coalesce(last_seq, 0);
        last_hash := coalesce(last_hash, repeat('0', 64));
        INSERT INTO audit_chain (event_id, application_id, seq, prev_hash, hash)
        VALUES (e.id, e.application_id, last_seq + 1, last_hash, audit_hash(last_hash, audit_event_content(e)));
    END LOOP;
END $$;

-- 一窗出件: the paper licence goes by express (EMS) or waits at a window for pick-up.
CREATE TABLE deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL UNIQUE REFERENCES applications(id),
    method          text NOT NULL CHECK (method IN ('express', 'pickup')),
    address         text,
    CHECK (method <> 'express' OR length(btrim(coalesce(address, ''))) > 0),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'shipped', 'picked_up')),
    tracking_no     text CHECK (tracking_no ~ '^[A-Z0-9]{8,30}$'),
    CHECK ((status = 'shipped') = (tracking_no IS NOT NULL)),
    CHECK (status <> 'shipped' OR method = 'express'),
    CHECK (status <> 'picked_up' OR method = 'pickup'),
    handled_by      bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    handled_at      timestamptz,
    CHECK ((status = 'pending') = (handled_at IS NULL))
);
CREATE INDEX deliveries_pending ON deliveries (method, id) WHERE status = 'pending';

-- Qualification exams (FAQ F005: two subjects, 90 of 100 passes each; F123: a failed subject is
-- taken again, a passed one stays valid for a year).
CREATE TABLE exam_cases (
    application_id  bigint PRIMARY KEY REFERENCES applications(id),
    status          text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'passed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    passed_at       timestamptz,
    CHECK ((status = 'passed') = (passed_at IS NOT NULL))
);

CREATE TABLE exam_results (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES exam_cases(application_id),
    subject         text NOT NULL CHECK (subject IN ('national', 'regional')),
    score           integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    passed          boolean NOT NULL,
    CHECK (passed = (score >= 90)),
    taken_on        date NOT NULL,
    recorded_by     bigint NOT NULL REFERENCES users(id),
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exam_results_application ON exam_results (application_id, subject, taken_on DESC);
