-- 投诉建议: complaints and suggestions from applicants, answered within 5 working days (FAQ F144).
CREATE TABLE complaint_no_counters (
    day             date PRIMARY KEY,
    last            integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

CREATE TABLE complaints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- TS-<date>-<sequence of that day>: quoted on the phone to 12328 and in every message
    public_no       text NOT NULL UNIQUE CHECK (public_no ~ '^TS-[0-9]{8}-[0-9]{6}$'),
    complainant_id  bigint NOT NULL REFERENCES users(id),
    category        text NOT NULL CHECK (category IN ('complaint', 'suggestion', 'report')),
    target_type     text NOT NULL CHECK (target_type IN ('application', 'window', 'staff', 'app', 'other')),
    target_id       bigint,
    -- a case and a staff member are named by id; the app itself and "other" have none
    CHECK (target_type <> 'application' OR target_id IS NOT NULL),
    CHECK (target_type NOT IN ('app', 'other') OR target_id IS NULL),
    text            text NOT NULL CHECK (length(text) BETWEEN 5 AND 2000),
    status          text NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'assigned', 'answered', 'closed')),
    assignee_id     bigint REFERENCES users(id),
    CHECK (status <> 'assigned' OR assignee_id IS NOT NULL),
    -- the 5th working day after the day it was received (counted from the next day, F106)
    due_on          date NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    answer          text CHECK (answer IS NULL OR length(answer) BETWEEN 2 AND 2000),
    answered_by     bigint REFERENCES users(id),
    answered_at     timestamptz,
    CHECK ((answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL)),
    CHECK ((status IN ('answered', 'closed')) = (answered_at IS NOT NULL)),
    answered_late   boolean GENERATED ALWAYS AS
                    ((answered_at AT TIME ZONE 'Asia/Shanghai')::date > due_on) STORED,
    -- each deadline action happens once: set by a conditional update that only the first run wins
    reminded_at     timestamptz,
    overdue_at      timestamptz,
    escalated_at    timestamptz,
    rating          smallint CHECK (rating BETWEEN 1 AND 5),  -- 5 非常满意 … 1 非常不满意
    rating_comment  text CHECK (rating_comment IS NULL OR length(rating_comment) <= 500),
    rated_at        timestamptz,
    CHECK ((rating IS NULL) = (rated_at IS NULL)),
    CHECK (rating IS NULL OR answered_at IS NOT NULL),
    closed_at       timestamptz,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaints_complainant ON complaints (complainant_id, id DESC);
CREATE INDEX complaints_queue ON complaints (status, due_on) WHERE status IN ('received', 'assigned');
CREATE INDEX complaints_assignee ON complaints (assignee_id, status);

-- Pictures sent with a complaint: uploaded first (owner only), then attached when it is filed.
CREATE TABLE complaint_attachments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id        bigint NOT NULL REFERENCES users(id),
    complaint_id    bigint REFERENCES complaints(id),
    storage_key     text NOT NULL UNIQUE,
    content_type    text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size_bytes      integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    original_name   text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaint_attachments_complaint ON complaint_attachments (complaint_id) WHERE complaint_id IS NOT NULL;
CREATE INDEX complaint_attachments_owner ON complaint_attachments (owner_id) WHERE complaint_id IS NULL;

-- The timeline: append-only, ordered by id.
CREATE TABLE complaint_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id    bigint NOT NULL REFERENCES complaints(id),
    kind            text NOT NULL CHECK (kind IN ('received', 'assigned', 'answered', 'reminded', 'overdue',
                                                  'escalated', 'rated', 'closed')),
    actor_id        bigint REFERENCES users(id),  -- NULL: the system (deadline watch)
    note            text,
    data            jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'complaint_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER complaint_events_append_only BEFORE UPDATE OR DELETE ON complaint_events
    FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
